import type { QueryResolvers } from '../__generated__/resolvers-types';
import { connection } from '@flywheel/server';

export const Query: QueryResolvers = {
  registeredModel: (_parent, { name }, { loaders }) => loaders.modelByName.load(name),
  registeredModels: async (_parent, args, { registry }) => connection(await registry.listModels(args)),
  modelVersion: (_parent, args, { registry }) => registry.findVersion(args),
  run: (_parent, { id }, { loaders }) => loaders.runById.load(id),
  runs: async (_parent, args, { runs }) => connection(await runs.listRuns(args)),
  compareRuns: (_parent, { ids }, { runs }) => runs.compareRuns(ids),
};
