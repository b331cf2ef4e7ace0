import type { DatasetResolvers } from '../__generated__/resolvers-types';

export const Dataset: DatasetResolvers = {
  versions: (dataset, _args, { loaders }) => loaders.versionsOfDataset.load(dataset.id),
  latest: (dataset, _args, { loaders }) => loaders.latestOfDataset.load(dataset.id),
};
