import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { createSubgraphApollo, type Logger } from '@flywheel/server';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { DatasetService } from './services/dataset.service';
import { createDownloadRoute, DOWNLOAD_PREFIX, DownloadLinks, type DownloadSettings } from './services/download.route';
import { FeedbackService } from './services/feedback.service';
import { ResultsService } from './services/results.service';

/** The subgraph's schema, read from schema.graphql beside this file (copied beside the bundle by the build). */
export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

/** The settings the feedback subgraph reads (a subset of runSubgraph's validated config). */
export interface FeedbackConfig {
  FLYWHEEL_AUTH?: boolean;
  FLYWHEEL_GATEWAY_SECRET?: string;
  FLYWHEEL_PUBLIC_FEEDBACK_URL?: string;
}

/**
 * Builds the feedback subgraph over a connected DataSource; used by main.ts and by tests.
 * Without `config` (in-process tests) downloads need no authentication and links carry no token.
 */
export function createFeedbackSubgraph(deps: { dataSource: DataSource; logger: Logger; config?: FeedbackConfig }) {
  const feedback = new FeedbackService(deps.dataSource);
  const results = new ResultsService(deps.dataSource);
  const datasets = new DatasetService(deps.dataSource);
  const settings: DownloadSettings = {
    auth: deps.config?.FLYWHEEL_AUTH ?? false,
    secret: deps.config?.FLYWHEEL_GATEWAY_SECRET,
    publicUrl: deps.config?.FLYWHEEL_PUBLIC_FEEDBACK_URL,
  };
  const downloads = new DownloadLinks(settings);
  const apollo = createSubgraphApollo<Context>({ typeDefs, resolvers });
  return {
    apollo,
    context: createContext({ feedback, results, datasets, downloads, logger: deps.logger }),
    routes: { [`${DOWNLOAD_PREFIX}*`]: createDownloadRoute({ datasets, settings, logger: deps.logger }) },
    feedback,
    results,
    datasets,
  };
}
