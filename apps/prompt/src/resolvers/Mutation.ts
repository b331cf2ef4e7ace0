import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  registerPrompt: (_parent, { input }, { prompts, actor }) => prompts.register(input, actor),
  setPromptLabel: (_parent, { name, label, number }, { prompts, actor }) => prompts.setLabel(name, label, number, actor),
};
