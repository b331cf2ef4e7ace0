import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { createSubgraphApollo, type Logger } from '@flywheel/server';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { ModelRegistryService } from './services/model-registry.service';
import { RunService } from './services/run.service';

/** The subgraph's schema, read from schema.graphql beside this file (copied beside the bundle by the build). */
export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

/** Builds the model-registry subgraph over a connected DataSource; used by main.ts and by tests. */
export function createModelRegistrySubgraph(deps: { dataSource: DataSource; logger: Logger }) {
  const registry = new ModelRegistryService(deps.dataSource);
  const runs = new RunService(deps.dataSource);
  const apollo = createSubgraphApollo<Context>({ typeDefs, resolvers });
  return { apollo, context: createContext({ registry, runs, logger: deps.logger }), registry, runs };
}
