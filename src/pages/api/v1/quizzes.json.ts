/** GET /api/v1/quizzes.json: quiz metadata and question counts; never questions or answers. */
import type { APIRoute } from 'astro';
import { quizzesDocument } from '#lib/api/documents.ts';
import { json, loadedQuizzes } from '#site/api.ts';

export const GET: APIRoute = () => json(quizzesDocument(loadedQuizzes()));
