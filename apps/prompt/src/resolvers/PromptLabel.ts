import type { PromptLabelResolvers, PromptLabelMoveResolvers } from '../__generated__/resolvers-types';
import type { PromptVersionModel } from '../models';

export const PromptLabel: PromptLabelResolvers = {
  version: async (label, _args, { loaders }) => (await loaders.versionById.load(label.versionId)) as PromptVersionModel,
};

export const PromptLabelMove: PromptLabelMoveResolvers = {
  from: (move, _args, { loaders }) => (move.fromVersionId ? loaders.versionById.load(move.fromVersionId) : null),
  to: async (move, _args, { loaders }) => (await loaders.versionById.load(move.toVersionId)) as PromptVersionModel,
};
