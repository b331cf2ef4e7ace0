import type { QueryResolvers } from '../__generated__/resolvers-types';
import { connection } from '@flywheel/server';

export const Query: QueryResolvers = {
  experiment: (_parent, args, { experiments, loaders }) =>
    experiments.find(args, { byId: (id) => loaders.experimentById.load(id), byName: (name) => loaders.experimentByName.load(name) }),
  experiments: async (_parent, args, { experiments }) => connection(await experiments.list(args)),
};
