import type { FeedbackResolvers } from '../__generated__/resolvers-types';

export const Feedback: FeedbackResolvers = {
  interaction: (feedback, _args, { loaders }) => loaders.interactionByRequestId.load(feedback.requestId),
};
