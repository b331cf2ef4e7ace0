import type { ArtifactResolvers, RunResolvers } from '../__generated__/resolvers-types';

export const Run: RunResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.runById.load(reference.id),
  params: (run, _args, { loaders }) => loaders.paramsOfRun.load(run.id),
  param: (run, { key }, { runs }) => runs.param(run.id, key),
  metrics: (run, _args, { loaders }) => loaders.metricsOfRun.load(run.id),
  metricHistory: (run, { key }, { runs }) => runs.metricHistory(run.id, key),
  tags: (run, _args, { loaders }) => loaders.tagsOfRun.load(run.id),
  artifacts: (run, _args, { runs }) => runs.artifacts(run.id),
  artifact: (run, { path }, { runs }) => runs.artifact(run.id, path),
  // Entities of other subgraphs: the gateway resolves the rest of them there.
  promptVersion: (run) => (run.promptVersionId ? { __typename: 'PromptVersion', id: run.promptVersionId } : null),
  experiment: (run) => (run.experimentId ? { __typename: 'Experiment', id: run.experimentId } : null),
  dataset: (run) => (run.datasetVersionId ? { __typename: 'DatasetVersion', id: run.datasetVersionId } : null),
  modelVersions: (run, _args, { loaders }) => loaders.versionsOfRun.load(run.id),
};

export const Artifact: ArtifactResolvers = {
  text: async (artifact, _args, { loaders }) => artifact.text ?? (await loaders.artifactText.load({ runId: artifact.runId, path: artifact.path })) ?? '',
};

