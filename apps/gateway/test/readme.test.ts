// The README's GraphQL examples are what a new user pastes into Apollo
// Sandbox first: each must parse and validate against the API schema of the
// committed supergraph, so a renamed field or argument fails here, not there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';

const root = join(__dirname, '..', '..', '..');
const schema = Supergraph.build(readFileSync(join(root, 'apps/gateway/src/supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();

function graphqlBlocks(file: string): Array<{ line: number; source: string }> {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks: Array<{ line: number; source: string }> = [];
  const fence = /```graphql\n([\s\S]*?)```/g;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    blocks.push({ line: text.slice(0, match.index).split('\n').length, source: match[1] });
  }
  return blocks;
}

const blocks = ['README.md', 'libs/client/README.md', 'k8s/README.md'].flatMap((file) => graphqlBlocks(file).map((block) => ({ file, ...block })));

it.each(blocks.map((block) => [block.file, block.line, block.source]))('%s: the GraphQL block at line %i is valid against the supergraph', (_file, _line, source) => {
  const errors = validate(schema, parse(source as string));
  expect(errors.map((error) => error.message)).toEqual([]);
});

it('the README shows at least one operation for every subgraph', () => {
  const operations = graphqlBlocks('README.md').map((block) => block.source).join('\n');
  for (const field of ['registerPrompt', 'createExperiment', 'logFeedback', 'createModelVersion', 'createApiKey']) expect(operations).toContain(field);
});
