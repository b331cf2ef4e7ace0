import { scalarResolvers } from '@flywheel/server';
import type { Resolvers } from '../__generated__/resolvers-types';
import { ModelVersion } from './ModelVersion';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ModelAlias, ModelRegistryEvent, RegisteredModel } from './RegisteredModel';
import { Artifact, Run } from './Run';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  RegisteredModel,
  ModelVersion,
  ModelAlias,
  ModelRegistryEvent,
  Run,
  Artifact,
};
