import { scalarResolvers } from '@flywheel/server';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Assignment } from './Assignment';
import { Experiment } from './Experiment';
import { Mutation } from './Mutation';
import { PromptVersion } from './PromptVersion';
import { Query } from './Query';
import { Variant } from './Variant';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  Experiment,
  Variant,
  Assignment,
  PromptVersion,
};
