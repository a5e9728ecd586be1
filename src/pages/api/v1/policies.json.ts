/** GET /api/v1/policies.json: every policy, with its version in force on the build date. */
import type { APIRoute } from 'astro';
import { policiesDocument } from '../../../lib/api/documents.ts';
import { json, loadedPolicies } from '../../../site/api.ts';
import { config } from '../../../site/model.ts';

export const GET: APIRoute = () => json(policiesDocument(loadedPolicies(), config.today));
