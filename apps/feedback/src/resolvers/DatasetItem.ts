import type { DatasetItemResolvers } from '../__generated__/resolvers-types';

export const DatasetItem: DatasetItemResolvers = {
  interaction: (item, _args, { loaders }) => loaders.interactionById.load(item.key),
  promptVersion: (item) => (item.promptVersionId ? { __typename: 'PromptVersion', id: item.promptVersionId } : null),
  modelVersion: (item) => (item.modelVersionId ? { __typename: 'ModelVersion', id: item.modelVersionId } : null),
  experiment: (item) => (item.experimentId ? { id: item.experimentId } : null),
};
