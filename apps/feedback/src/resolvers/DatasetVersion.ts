import type { DatasetVersionResolvers } from '../__generated__/resolvers-types';
import type { DatasetModel } from '../models';

export const DatasetVersion: DatasetVersionResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.datasetVersionById.load(reference.id),
  dataset: async (version, _args, { loaders }) => (await loaders.datasetById.load(version.datasetId)) as DatasetModel,
  shortHash: (version) => version.hash.slice(0, 12),
  items: (version, { offset, limit }, { datasets }) => datasets.items(version.id, offset ?? 0, limit ?? 100),
  parent: (version, _args, { loaders }) => (version.parentId ? loaders.datasetVersionById.load(version.parentId) : null),
  downloadUrl: (version, { format }, { downloads, requestHost }) => downloads.url(version.id, format, requestHost),
  // Entities of the model-registry subgraph: the gateway resolves the rest of them there.
  models: async (version, _args, { loaders }) => (await loaders.modelVersionIdsOf.load(version.id)).map((id) => ({ __typename: 'ModelVersion' as const, id })),
  runs: async (version, _args, { loaders }) => (await loaders.runIdsOf.load(version.id)).map((id) => ({ __typename: 'Run' as const, id })),
};
