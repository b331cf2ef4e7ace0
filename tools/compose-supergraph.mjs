// Composes the supergraph from the subgraphs' schema files with
// @apollo/composition and writes apps/gateway/src/supergraph.graphql, which
// the gateway loads (static composition: no introspection at run time).
// `node tools/compose-supergraph.mjs --check` fails when the committed file is stale.
// `--only prompt,experiment --out FILE` composes a subset elsewhere (for tests
// that run part of the stack).
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = JSON.parse(readFileSync(join(root, 'apps/gateway/supergraph.config.json'), 'utf8'));
const target = join(root, 'apps/gateway/src/supergraph.graphql');

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

export function compose(only) {
  const services = config.subgraphs
    .filter((subgraph) => existsSync(join(root, subgraph.schema)))
    .filter((subgraph) => !only || only.includes(subgraph.name))
    .map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.routingUrl,
      typeDefs: parse(readFileSync(join(root, subgraph.schema), 'utf8')),
    }));
  const result = composeServices(services);
  if (result.errors?.length) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return `# Composed by tools/compose-supergraph.mjs from ${services.map((s) => s.name).join(', ')}: run \`npm run compose\`, do not edit.\n${result.supergraphSdl}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const only = option('--only')?.split(',').map((name) => name.trim());
    const sdl = compose(only);
    const out = option('--out');
    if (out) {
      writeFileSync(out, sdl);
      console.log(`wrote ${out}`);
    } else if (process.argv.includes('--check')) {
      const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
      if (committed !== sdl) {
        console.error('apps/gateway/src/supergraph.graphql is stale: run `npm run compose` and commit it');
        process.exit(1);
      }
      console.log('supergraph.graphql is up to date');
    } else {
      writeFileSync(target, sdl);
      console.log(`wrote ${target}`);
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
