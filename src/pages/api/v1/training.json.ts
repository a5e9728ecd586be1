/** GET /api/v1/training.json: the training paths, steps in order. */
import type { APIRoute } from 'astro';
import { trainingDocument } from '../../../lib/api/documents.ts';
import { json, loadedTrainingPaths } from '../../../site/api.ts';

export const GET: APIRoute = () => json(trainingDocument(loadedTrainingPaths()));
