import type { EntityClass, MigrationClass } from '../schema-types';
import { ExperimentEntity } from './experiment.entity';
import { ExperimentVariantEntity } from './experiment-variant.entity';
import { ExperimentExposureEntity } from './experiment-exposure.entity';
import { ExperimentForcedAssignmentEntity } from './experiment-forced-assignment.entity';
import { ExperimentEventEntity } from './experiment-event.entity';
import { CreateExperiments1796410000000 } from './migrations/1796410000000-CreateExperiments';

export type { ExperimentStatusValue } from './experiment.entity';
export { ExperimentEntity, ExperimentVariantEntity, ExperimentExposureEntity, ExperimentForcedAssignmentEntity, ExperimentEventEntity };

// Entities and migrations of the experiment subgraph's tables. Each module owns its
// own lists; libs/data/src/schema.ts joins them into the one migration history.
export const experimentEntities: EntityClass[] = [
  ExperimentEntity,
  ExperimentVariantEntity,
  ExperimentExposureEntity,
  ExperimentForcedAssignmentEntity,
  ExperimentEventEntity,
];
export const experimentMigrations: MigrationClass[] = [CreateExperiments1796410000000];
