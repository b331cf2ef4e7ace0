import type { PromptVersionResolvers } from '../__generated__/resolvers-types';

export const PromptVersion: PromptVersionResolvers = {
  // The prompt subgraph owns PromptVersion; this subgraph only adds `experiments`, so a reference is all it needs.
  __resolveReference: (reference) => ({ id: reference.id }),
  experiments: (version, _args, { loaders }) => loaders.experimentsOfPromptVersion.load(version.id),
};
