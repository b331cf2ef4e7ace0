import { scalarResolvers } from '@flywheel/server';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Experiment } from './Experiment';
import { Feedback } from './Feedback';
import { Interaction } from './Interaction';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  Experiment,
  Interaction,
  Feedback,
};
