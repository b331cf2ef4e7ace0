import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { createSubgraphApollo, type Logger } from '@flywheel/server';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { PromptService } from './services/prompt.service';

/** The subgraph's schema, read from schema.graphql beside this file (copied beside the bundle by the build). */
export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

/** Builds the prompt subgraph over a connected DataSource; used by main.ts and by tests. */
export function createPromptSubgraph(deps: { dataSource: DataSource; logger: Logger }) {
  const prompts = new PromptService(deps.dataSource);
  const apollo = createSubgraphApollo<Context>({ typeDefs, resolvers });
  return { apollo, context: createContext({ prompts, logger: deps.logger }), prompts };
}
