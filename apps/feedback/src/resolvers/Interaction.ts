import type { InteractionResolvers } from '../__generated__/resolvers-types';

export const Interaction: InteractionResolvers = {
  experiment: (interaction) => (interaction.experimentId ? { id: interaction.experimentId } : null),
  promptVersion: (interaction) => (interaction.promptVersionId ? { __typename: 'PromptVersion', id: interaction.promptVersionId } : null),
  feedback: (interaction, _args, { loaders }) => loaders.feedbackByRequestId.load(interaction.requestId),
};
