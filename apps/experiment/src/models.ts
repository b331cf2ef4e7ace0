// What the experiment service returns and parent resolvers receive (GraphQL
// Code Generator maps each `XModel` here to GraphQL type X).

export type ExperimentStatusValue = 'DRAFT' | 'RUNNING' | 'PAUSED' | 'COMPLETED';

export interface VariantModel {
  experimentId: string;
  key: string;
  position: number;
  /** normalised */
  weight: number;
  promptVersionId: string | null;
  modelVersionId: string | null;
  config: unknown;
}

export interface ExperimentLayerModel {
  name: string;
  start: number;
  end: number;
}

export interface ExperimentModel {
  id: string;
  /** creation order, for cursors */
  seq: string;
  name: string;
  description: string | null;
  status: ExperimentStatusValue;
  salt: string;
  trafficAllocation: number;
  layer: ExperimentLayerModel | null;
  winner: string | null;
  /** in position order; the first is the control */
  variants: VariantModel[];
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface AssignmentModel {
  unitId: string;
  variant: string;
  bucket: number;
  forced: boolean;
  experiment: ExperimentModel;
}

export interface ForcedAssignmentModel {
  unitId: string;
  variant: string;
  createdAt: Date;
  createdBy: string | null;
}

export interface ExperimentEventModel {
  action: 'CREATED' | 'UPDATED' | 'STARTED' | 'PAUSED' | 'RESUMED' | 'COMPLETED' | 'FORCED' | 'UNFORCED';
  fromStatus: ExperimentStatusValue | null;
  toStatus: ExperimentStatusValue;
  details: unknown;
  actor: string | null;
  at: Date;
}

/** A reference to the prompt subgraph's entity. */
export interface PromptVersionModel {
  id: string;
}

/** A reference to the model registry's entity. */
export interface ModelVersionModel {
  id: string;
}

export interface VariantExposuresModel {
  variant: string;
  count: number;
  forced: number;
}
