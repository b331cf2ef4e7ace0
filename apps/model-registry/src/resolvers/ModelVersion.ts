import type { ModelVersionResolvers } from '../__generated__/resolvers-types';
import type { RegisteredModelModel } from '../models';
import { tagList } from './tag-list';

export const ModelVersion: ModelVersionResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.versionById.load(reference.id),
  model: async (version, _args, { loaders }) => (await loaders.modelById.load(version.modelId)) as RegisteredModelModel,
  aliases: (version, _args, { loaders }) => loaders.aliasesOfVersion.load(version.id),
  tags: (version) => tagList(version.tags),
  run: (version, _args, { loaders }) => (version.runId ? loaders.runById.load(version.runId) : null),
  // The feedback subgraph's entity: the gateway resolves the rest of it there.
  trainedOn: (version) => (version.datasetVersionId ? { __typename: 'DatasetVersion', id: version.datasetVersionId } : null),
};
