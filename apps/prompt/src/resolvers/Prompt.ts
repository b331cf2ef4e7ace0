import type { PromptResolvers } from '../__generated__/resolvers-types';
import { connection } from '@flywheel/server';

export const Prompt: PromptResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.promptByName.load(reference.name),
  latest: (prompt, _args, { prompts }) => prompts.latestVersion(prompt.id),
  version: (prompt, args, { prompts }) => prompts.findVersion(prompt.id, args),
  versions: async (prompt, args, { prompts }) => ({ ...connection(await prompts.listVersions(prompt.id, args)), totalCount: prompt.versionCount }),
  labels: (prompt, _args, { prompts }) => prompts.labels(prompt.id),
  labelHistory: (prompt, { label, first }, { prompts }) => prompts.labelHistory(prompt.id, label, first),
  diff: (prompt, { from, to }, { prompts }) => prompts.diff(prompt, from, to),
};
