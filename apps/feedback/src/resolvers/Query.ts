import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  feedbackSummary: async (_parent, { experimentId, metric }, { results, loaders }) =>
    results.summary(await loaders.resultsInputs.load(experimentId), experimentId, metric ?? 'RATING'),
  interaction: (_parent, { requestId }, { loaders }) => loaders.interactionByRequestId.load(requestId),
  feedbackForRequest: (_parent, { requestId }, { loaders }) => loaders.feedbackByRequestId.load(requestId),
};
