import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createRegisteredModel: (_parent, args, { registry, actor }) => registry.createModel(args, actor),
  updateRegisteredModel: (_parent, { name, description }, { registry }) => registry.updateModel(name, description),
  setRegisteredModelTag: (_parent, { name, key, value }, { registry }) => registry.setModelTag(name, key, value),
  deleteRegisteredModelTag: (_parent, { name, key }, { registry }) => registry.deleteModelTag(name, key),
  createModelVersion: (_parent, { input }, { registry, actor }) => registry.createVersion(input, actor),
  updateModelVersion: (_parent, { modelName, version, description }, { registry }) => registry.updateVersion(modelName, version, description),
  setModelVersionTag: (_parent, { modelName, version, key, value }, { registry }) => registry.setVersionTag(modelName, version, key, value),
  deleteModelVersionTag: (_parent, { modelName, version, key }, { registry }) => registry.deleteVersionTag(modelName, version, key),
  setModelAlias: (_parent, { modelName, alias, version }, { registry, actor }) => registry.setAlias(modelName, alias, version, actor),
  deleteModelAlias: (_parent, { modelName, alias }, { registry, actor }) => registry.deleteAlias(modelName, alias, actor),
  transitionModelVersionStage: (_parent, { modelName, version, stage, archiveExisting }, { registry, actor }) =>
    registry.transitionStage(modelName, version, stage, archiveExisting ?? false, actor),
  createRun: (_parent, { input }, { runs, actor }) => runs.createRun(input, actor),
  logParam: (_parent, { runId, key, value }, { runs }) => runs.logParam(runId, key, value),
  logMetric: (_parent, { runId, key, value, step, timestamp }, { runs }) => runs.logMetric(runId, { key, value, step, timestamp }),
  logMetrics: (_parent, { runId, metrics }, { runs }) => runs.logMetrics(runId, metrics),
  logBatch: (_parent, { runId, params, metrics, tags }, { runs }) => runs.logBatch(runId, { params, metrics, tags }),
  logText: (_parent, { runId, path, text }, { runs }) => runs.logText(runId, path, text),
  setRunTag: (_parent, { runId, key, value }, { runs }) => runs.setTag(runId, key, value),
  endRun: (_parent, { runId, status }, { runs }) => runs.endRun(runId, status),
};
