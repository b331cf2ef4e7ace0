// Runs a TypeScript entry point (a benchmark, a fault test) the way the apps
// run: bundled by esbuild with tsconfig.base.json (legacy decorators, paths),
// npm dependencies external, then executed by node with the remaining args.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node tools/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
const outfile = join(root, 'dist', 'run', `${basename(entry, '.ts')}.js`);
await build({
  entryPoints: [join(process.cwd(), entry)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  tsconfig: join(root, 'tsconfig.base.json'),
  external: [...external, ...external.map((name) => `${name}/*`)],
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
