import type { ModelAliasResolvers, ModelRegistryEventResolvers, RegisteredModelResolvers } from '../__generated__/resolvers-types';
import type { ModelVersionModel } from '../models';
import { tagList } from './tag-list';

export const RegisteredModel: RegisteredModelResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.modelByName.load(reference.name),
  tags: (model) => tagList(model.tags),
  versions: (model, { stage }, { registry }) => registry.versionsOfModel(model.id, stage),
  latestVersion: (model, _args, { registry }) => registry.latestVersion(model.id),
  aliases: (model, _args, { registry }) => registry.aliases(model.id),
  aliasAt: (model, { alias, at }, { registry }) => registry.aliasAt(model.id, alias, at instanceof Date ? at : new Date(at)),
  history: (model, { alias, first }, { registry }) => registry.history(model.id, alias, first),
};

export const ModelAlias: ModelAliasResolvers = {
  version: async (alias, _args, { loaders }) => (await loaders.versionById.load(alias.versionId)) as ModelVersionModel,
};

export const ModelRegistryEvent: ModelRegistryEventResolvers = {
  version: (event, _args, { loaders }) => (event.versionId ? loaders.versionById.load(event.versionId) : null),
  previousVersion: (event, _args, { loaders }) => (event.previousVersionId ? loaders.versionById.load(event.previousVersionId) : null),
};
