// Build step for the playground page (`npm run build`): bundles app.ts with its editor (CodeMirror) into one
// script and copies the page and stylesheet next to it, under dist/playground. Nothing is fetched from a CDN
// at run time. esbuild's WebAssembly build: no platform binary to install.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild-wasm';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '..', '..', '..', 'dist', 'playground');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [resolve(here, 'app.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  legalComments: 'linked',
  outfile: resolve(out, 'app.js'),
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) copyFileSync(resolve(here, file), resolve(out, file));
