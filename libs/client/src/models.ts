import {
  CreateModelVersionDocument,
  CreateRegisteredModelDocument,
  SetModelAliasDocument,
  type CreateModelVersionInput,
  type CreateRegisteredModelMutation,
  type ModelVersionFieldsFragment,
  type RegistryTagInput,
} from './__generated__/graphql';
import type { Transport } from './transport';

/** A model version as the SDK returns it (the `ModelVersionFields` fragment). */
export type ModelVersion = ModelVersionFieldsFragment;

/** The model registry: thin typed wrappers, each one request. */
export class ModelsClient {
  constructor(private readonly transport: Transport) {}

  /** Creates a registered model; a taken name is a CONFLICT. */
  async create(name: string, options: { description?: string; tags?: RegistryTagInput[] } = {}): Promise<CreateRegisteredModelMutation['createRegisteredModel']> {
    return (await this.transport.request(CreateRegisteredModelDocument, { name, description: options.description, tags: options.tags })).createRegisteredModel;
  }

  /** Registers the next version (1, 2, 3 …) of an existing model. */
  async createVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return (await this.transport.request(CreateModelVersionDocument, { input })).createModelVersion;
  }

  /** Points `alias` (e.g. champion) at `version`, atomically and with history; protected aliases need an ADMIN key. */
  async setAlias(modelName: string, alias: string, version: number): Promise<ModelVersion> {
    return (await this.transport.request(SetModelAliasDocument, { modelName, alias, version })).setModelAlias;
  }
}
