import type { EntityClass, MigrationClass } from '../schema-types';
import { RegisteredModelEntity } from './registered-model.entity';
import { ModelVersionEntity } from './model-version.entity';
import { ModelAliasEntity } from './model-alias.entity';
import { ModelRegistryEventEntity } from './model-registry-event.entity';
import { RunEntity } from './run.entity';
import { RunParamEntity } from './run-param.entity';
import { RunMetricEntity } from './run-metric.entity';
import { RunTagEntity } from './run-tag.entity';
import { RunArtifactEntity } from './run-artifact.entity';
import { CreateModelRegistry1796430000000 } from './migrations/1796430000000-CreateModelRegistry';
import { ReferenceDatasetVersions1796460000000 } from './migrations/1796460000000-ReferenceDatasetVersions';

export {
  RegisteredModelEntity,
  ModelVersionEntity,
  ModelAliasEntity,
  ModelRegistryEventEntity,
  RunEntity,
  RunParamEntity,
  RunMetricEntity,
  RunTagEntity,
  RunArtifactEntity,
};
export type { ModelStage } from './model-version.entity';
export type { ModelRegistryEventKind } from './model-registry-event.entity';
export type { RunStatus } from './run.entity';

// Entities and migrations of the model-registry subgraph's tables. Each module owns its
// own lists; libs/data/src/schema.ts joins them into the one migration history.
export const modelRegistryEntities: EntityClass[] = [
  RegisteredModelEntity,
  ModelVersionEntity,
  ModelAliasEntity,
  ModelRegistryEventEntity,
  RunEntity,
  RunParamEntity,
  RunMetricEntity,
  RunTagEntity,
  RunArtifactEntity,
];
export const modelRegistryMigrations: MigrationClass[] = [CreateModelRegistry1796430000000, ReferenceDatasetVersions1796460000000];
