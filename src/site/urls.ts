// The URL scheme lives in src/lib so search results and the API build the same links.
export * from '../lib/urls.ts';
