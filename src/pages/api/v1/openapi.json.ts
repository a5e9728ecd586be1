/** GET /api/v1/openapi.json: the OpenAPI 3.1 document of the JSON files and the server routes. */
import type { APIRoute } from 'astro';
import { openApiDocument } from '#lib/api/openapi.ts';
import { json } from '#site/api.ts';
import pkg from '../../../../package.json' with { type: 'json' };

export const GET: APIRoute = () => json(openApiDocument(pkg.version));
