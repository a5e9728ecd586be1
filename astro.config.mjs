// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import pagefind from './src/integrations/pagefind.ts';

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
	output: 'static',
	// pagefind: the clause search index, written after the pages (astro:build:done).
	integrations: [mdx(), pagefind()],
	// Pages live at /policies/<policy>/<version>/<chapter>/ (directory format, trailing slash).
	trailingSlash: 'ignore',
	server: { host: '127.0.0.1', port: 4321 },
});
