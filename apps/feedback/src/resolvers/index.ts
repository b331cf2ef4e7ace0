import { scalarResolvers } from '@flywheel/server';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Dataset } from './Dataset';
import { DatasetItem } from './DatasetItem';
import { DatasetVersion } from './DatasetVersion';
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
  Dataset,
  DatasetVersion,
  DatasetItem,
};
