import { PromptEntity } from './prompt.entity';
import { PromptVersionEntity } from './prompt-version.entity';
import { PromptLabelEntity } from './prompt-label.entity';
import { PromptLabelEventEntity } from './prompt-label-event.entity';
import type { EntityClass, MigrationClass } from '../schema-types';
import { CreatePromptRegistry1796400000000 } from './migrations/1796400000000-CreatePromptRegistry';

export { PromptEntity, PromptVersionEntity, PromptLabelEntity, PromptLabelEventEntity };

export const promptEntities: EntityClass[] = [PromptEntity, PromptVersionEntity, PromptLabelEntity, PromptLabelEventEntity];
export const promptMigrations: MigrationClass[] = [CreatePromptRegistry1796400000000];
