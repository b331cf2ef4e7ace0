import type { QueryResolvers } from '../__generated__/resolvers-types';
import { connection } from '@flywheel/server';

export const Query: QueryResolvers = {
  feedbackSummary: async (_parent, { experimentId, metric }, { results, loaders }) =>
    results.summary(await loaders.resultsInputs.load(experimentId), experimentId, metric ?? 'RATING'),
  interaction: (_parent, { requestId }, { loaders }) => loaders.interactionByRequestId.load(requestId),
  feedbackForRequest: (_parent, { requestId }, { loaders }) => loaders.feedbackByRequestId.load(requestId),
  datasets: async (_parent, args, { datasets }) => connection(await datasets.listDatasets(args)),
  dataset: (_parent, { name }, { loaders }) => loaders.datasetByName.load(name),
  datasetVersion: (_parent, { id }, { loaders }) => loaders.datasetVersionById.load(id),
  exportDataset: (_parent, { id, format }, { datasets }) => datasets.exportInline(id, format),
};
