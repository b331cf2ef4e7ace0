import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  logInteraction: (_parent, { input }, { feedback, actor }) => feedback.logInteraction(input, actor),
  logFeedback: (_parent, { input }, { feedback, actor }) => feedback.logFeedback(input, actor),
  logFeedbackBatch: (_parent, { inputs }, { feedback, actor }) => feedback.logFeedbackBatch(inputs, actor),
  createDataset: (_parent, { input }, { datasets, actor }) => datasets.createDataset(input, actor),
  setDatasetItemExpectedOutput: (_parent, { itemId, expectedOutput }, { datasets, actor }) => datasets.setExpectedOutput(itemId, expectedOutput, actor),
};
