// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import pagefind from './src/integrations/pagefind.ts';
import buildStamp from './src/integrations/build-stamp.ts';
import precompress from './src/integrations/precompress.ts';

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
	// Pages addressed by version are prerendered; what depends on today, API routes and the sign-in pages render on
	// demand (prerender = false)
	// inside our own server (src/server/), which wraps the adapter's middleware.
	output: 'static',
	adapter: node({ mode: 'middleware', bodySizeLimit: 16 * 1024 * 1024 }),
	// pagefind: the clause search index, written after the pages (astro:build:done).
	// buildStamp: what the build was made from (dist/build-stamp.json), for npm start and the tests.
	// precompress: Brotli and gzip copies of the static files (after Pagefind's), served as they are.
	integrations: [mdx(), pagefind(), precompress(), buildStamp()],
	// Pages live at /policies/<policy>/<version>/<chapter>/ (directory format, trailing slash).
	trailingSlash: 'ignore',
	server: { host: '127.0.0.1', port: 4321 },
	// Our request pipeline (src/server/app.ts) checks the Origin of every form POST against
	// ZHIDU_PUBLIC_URL; Astro's own check compares with http://<Host> and refuses every form
	// behind a TLS-terminating proxy.
	security: { checkOrigin: false },
	// Scripts are never inlined: pages rendered on demand (home, overview, …) must pass the Content-Security-Policy
	// too, and its script hashes are taken from the prerendered pages only. External scripts pass as 'self'.
	vite: { build: { assetsInlineLimit: (file) => (file.endsWith('.js') ? false : undefined) } },
});
