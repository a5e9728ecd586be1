/** GET /api/v1/policies.json: every policy, with its version in force today (rendered per request). */
import type { APIRoute } from 'astro';
import { policiesDocument } from '#lib/api/documents.ts';
import { companyToday } from '#lib/calendar.ts';
import { json, loadedPolicies } from '#site/api.ts';

export const prerender = false;

export const GET: APIRoute = () => json(policiesDocument(loadedPolicies(), companyToday()));
