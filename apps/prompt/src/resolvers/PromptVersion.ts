import type { PromptVersionResolvers } from '../__generated__/resolvers-types';
import type { PromptModel } from '../models';

export const PromptVersion: PromptVersionResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.versionById.load(reference.id),
  shortHash: (version) => version.hash.slice(0, 12),
  labels: (version, _args, { loaders }) => loaders.labelsOfVersion.load(version.id),
  prompt: async (version, _args, { loaders }) => (await loaders.promptById.load(version.promptId)) as PromptModel,
};
