import { scalarResolvers } from '@flywheel/server';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Prompt } from './Prompt';
import { PromptLabel, PromptLabelMove } from './PromptLabel';
import { PromptVersion } from './PromptVersion';
import { Query } from './Query';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  Prompt,
  PromptVersion,
  PromptLabel,
  PromptLabelMove,
};
