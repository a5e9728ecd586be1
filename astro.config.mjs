// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
	output: 'static',
	integrations: [mdx()],
	// Pages live at /policies/<policy>/<version>/<chapter>/ (directory format, trailing slash).
	trailingSlash: 'ignore',
	server: { host: '127.0.0.1', port: 4321 },
});
