import type { QueryResolvers } from '../__generated__/resolvers-types';
import { connection } from '@flywheel/server';

export const Query: QueryResolvers = {
  prompt: (_parent, { name }, { loaders }) => loaders.promptByName.load(name),
  prompts: async (_parent, args, { prompts }) => connection(await prompts.listPrompts(args)),
  promptVersion: (_parent, { id }, { loaders }) => loaders.versionById.load(id),
  renderPrompt: (_parent, args, { prompts }) => prompts.render(args),
};
