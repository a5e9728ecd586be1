#!/usr/bin/env node
/**
 * `npx zhidu` (and `npm run zhidu`): starts the CLI (src/cli/zhidu.ts).
 * Plain JavaScript on purpose: Node's compile cache (V8 code and the
 * TypeScript it strips) is switched on before any .ts file loads, so a run
 * after the first neither loads the TypeScript stripper nor compiles the
 * modules again; `zhidu search` then answers in a few hundred ms instead of
 * about a second.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { run } = await import('./zhidu.ts');
process.exitCode = await run(process.argv.slice(2));
