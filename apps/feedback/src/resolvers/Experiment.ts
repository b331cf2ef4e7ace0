import type { ExperimentResolvers } from '../__generated__/resolvers-types';

export const Experiment: ExperimentResolvers = {
  // The experiment subgraph owns experiments; results only need the id (an unknown one is NOT_FOUND in `results`).
  __resolveReference: (reference) => ({ id: reference.id }),
  results: async (experiment, { metric, confidence, minDetectableEffect }, { results, loaders }) =>
    results.results(await loaders.resultsInputs.load(experiment.id), experiment.id, {
      metric: metric ?? 'RATING',
      confidence: confidence ?? 0.95,
      minDetectableEffect,
    }),
};
