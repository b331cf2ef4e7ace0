// What the services return and parent resolvers receive (GraphQL Code
// Generator maps each `XModel` here to GraphQL type X).

export type ModelStage = 'NONE' | 'STAGING' | 'PRODUCTION' | 'ARCHIVED';
export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface RegisteredModelModel {
  id: string;
  name: string;
  description: string | null;
  /** Tag key → value. */
  tags: Record<string, string>;
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ModelVersionModel {
  id: string;
  modelId: string;
  version: number;
  source: string;
  provider: string | null;
  parameters: unknown;
  description: string | null;
  stage: ModelStage;
  tags: Record<string, string>;
  runId: string | null;
  datasetVersionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ModelAliasModel {
  alias: string;
  versionId: string;
  updatedAt: Date;
  updatedBy: string | null;
}

export interface ModelRegistryEventModel {
  kind: 'ALIAS_SET' | 'ALIAS_DELETED' | 'STAGE_TRANSITION';
  alias: string | null;
  versionId: string | null;
  previousVersionId: string | null;
  fromStage: ModelStage | null;
  toStage: ModelStage | null;
  actor: string | null;
  at: Date;
}

export interface RunModel {
  id: string;
  project: string;
  name: string | null;
  status: RunStatus;
  promptVersionId: string | null;
  experimentId: string | null;
  datasetVersionId: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

export interface ArtifactModel {
  runId: string;
  path: string;
  size: number;
  createdAt: Date;
  /** Present when loaded; listings leave it out and the `text` resolver fetches it. */
  text?: string;
}

export interface RunComparisonRowModel {
  run: RunModel;
  params: Array<string | null>;
  metrics: Array<number | null>;
}
