/** GET /api/v1/training.json: the training paths, steps in order, read steps in the version in force today. */
import type { APIRoute } from 'astro';
import { trainingDocument } from '#lib/api/documents.ts';
import { json, loadedTrainingPaths } from '#site/api.ts';

export const prerender = false;

export const GET: APIRoute = () => json(trainingDocument(loadedTrainingPaths()));
