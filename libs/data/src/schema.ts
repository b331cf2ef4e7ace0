import { promptEntities, promptMigrations } from './prompt';
import { experimentEntities, experimentMigrations } from './experiment';
import { feedbackEntities, feedbackMigrations } from './feedback';
import { modelRegistryEntities, modelRegistryMigrations } from './model-registry';
import { accessEntities, accessMigrations } from './access';

/** Every entity of the one database, explicitly listed (no globs: bundles have no source tree). */
export const allEntities = [
  ...promptEntities,
  ...experimentEntities,
  ...feedbackEntities,
  ...modelRegistryEntities,
  ...accessEntities,
];

/** The one migration history; TypeORM orders it by the timestamp in each class name. */
export const allMigrations = [
  ...promptMigrations,
  ...experimentMigrations,
  ...feedbackMigrations,
  ...modelRegistryMigrations,
  ...accessMigrations,
];
