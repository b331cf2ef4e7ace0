import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createExperiment: (_parent, { input }, { experiments, actor }) => experiments.create(input, actor),
  updateExperiment: (_parent, { id, input }, { experiments, actor }) => experiments.update(id, input, actor),
  startExperiment: (_parent, { id }, { experiments, actor }) => experiments.transition(id, 'start', null, actor),
  pauseExperiment: (_parent, { id }, { experiments, actor }) => experiments.transition(id, 'pause', null, actor),
  completeExperiment: (_parent, { id, winner }, { experiments, actor }) => experiments.transition(id, 'complete', winner ?? null, actor),
  assign: async (_parent, { experiment, unitId }, { experiments }) => (await experiments.assignBatch(experiment, [unitId], 'unitId'))[0],
  assignBatch: (_parent, { experiment, unitIds }, { experiments }) => experiments.assignBatch(experiment, unitIds),
  forceVariant: (_parent, { experimentId, unitId, variant }, { experiments, actor }) => experiments.forceVariant(experimentId, unitId, variant, actor),
  clearForcedVariant: (_parent, { experimentId, unitId }, { experiments, actor }) => experiments.clearForcedVariant(experimentId, unitId, actor),
};
