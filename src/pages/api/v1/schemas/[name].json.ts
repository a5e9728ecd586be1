/** GET /api/v1/schemas/:name.json: the JSON Schema of each published document, generated from its zod schema. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { documentSchemas, jsonSchemaOf } from '#lib/api/documents.ts';
import { json } from '#site/api.ts';

export const getStaticPaths = (() =>
	Object.keys(documentSchemas).map((name) => ({ params: { name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => json(jsonSchemaOf(params.name as keyof typeof documentSchemas));
