import type { EntityClass, MigrationClass } from '../schema-types';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CreateAccess1796440000000 } from './migrations/1796440000000-CreateAccess';

// Entities and migrations of access control (API keys, audit log), which the
// gateway owns. libs/data/src/schema.ts joins them into the one migration history.
export { ApiKeyEntity, AuditEventEntity };
export const accessEntities: EntityClass[] = [ApiKeyEntity, AuditEventEntity];
export const accessMigrations: MigrationClass[] = [CreateAccess1796440000000];
