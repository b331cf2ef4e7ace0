import type { EntityClass, MigrationClass } from '../schema-types';

// Entities and migrations of the access subgraph's tables. Each module owns its
// own lists; libs/data/src/schema.ts joins them into the one migration history.
export const accessEntities: EntityClass[] = [];
export const accessMigrations: MigrationClass[] = [];
