// Bundles one project's entry points with esbuild into dist/<project>/.
// Internal libs (@flywheel/*) are bundled in through the tsconfig paths;
// npm dependencies stay external and are loaded from node_modules at run time.
// Schema files are copied beside the bundle, where the servers read them.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = process.argv[2];
if (!project) {
  console.error('usage: node tools/build.mjs <project dir, e.g. apps/prompt>');
  process.exit(2);
}
const src = join(root, project, 'src');
const out = join(root, 'dist', project);
const entryNames = ['main.ts', 'launcher.ts', 'migrate.ts'];
const entryPoints = entryNames.map((name) => join(src, name)).filter((file) => existsSync(file));
if (entryPoints.length === 0) {
  console.error(`${project}: no entry point (${entryNames.join(', ')}) in ${src}`);
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];

await build({
  entryPoints,
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: join(root, 'tsconfig.base.json'),
  external: [...external, ...external.map((name) => `${name}/*`)],
  logLevel: 'warning',
});
mkdirSync(out, { recursive: true });
for (const entry of readdirSync(src, { withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.graphql')) copyFileSync(join(src, entry.name), join(out, entry.name));
  // A module's schema (e.g. src/access/schema.graphql) lands beside the bundle as access.graphql.
  const nested = join(src, entry.name, 'schema.graphql');
  if (entry.isDirectory() && existsSync(nested)) copyFileSync(nested, join(out, `${entry.name}.graphql`));
}
console.log(`built ${project} -> dist/${project} (${entryPoints.map((e) => e.slice(src.length + 1)).join(', ')})`);
