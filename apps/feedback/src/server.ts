import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { createSubgraphApollo, type Logger } from '@flywheel/server';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { FeedbackService } from './services/feedback.service';
import { ResultsService } from './services/results.service';

/** The subgraph's schema, read from schema.graphql beside this file (copied beside the bundle by the build). */
export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

/** Builds the feedback subgraph over a connected DataSource; used by main.ts and by tests. */
export function createFeedbackSubgraph(deps: { dataSource: DataSource; logger: Logger }) {
  const feedback = new FeedbackService(deps.dataSource);
  const results = new ResultsService(deps.dataSource);
  const apollo = createSubgraphApollo<Context>({ typeDefs, resolvers });
  return { apollo, context: createContext({ feedback, results, logger: deps.logger }), feedback, results };
}
