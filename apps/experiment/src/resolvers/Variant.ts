import type { VariantResolvers } from '../__generated__/resolvers-types';

export const Variant: VariantResolvers = {
  // Entity references: the prompt and model-registry subgraphs resolve the rest.
  promptVersion: (variant) => (variant.promptVersionId ? { id: variant.promptVersionId } : null),
  modelVersion: (variant) => (variant.modelVersionId ? { id: variant.modelVersionId } : null),
};
