import type { ExperimentResolvers } from '../__generated__/resolvers-types';

export const Experiment: ExperimentResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.experimentById.load(reference.id),
  control: (experiment) => experiment.variants[0],
  exposures: (experiment, _args, { loaders }) => loaders.exposuresOf.load(experiment.id),
  forcedAssignments: (experiment, _args, { experiments }) => experiments.forcedAssignments(experiment.id),
  history: (experiment, _args, { experiments }) => experiments.history(experiment.id),
};
