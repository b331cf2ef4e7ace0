import type { EntityClass, MigrationClass } from '../schema-types';
import { DatasetEntity } from './dataset.entity';
import { DatasetItemEntity } from './dataset-item.entity';
import { DatasetVersionEntity } from './dataset-version.entity';
import { FeedbackEntity } from './feedback.entity';
import { FeedbackRollupEntity } from './feedback-rollup.entity';
import { InteractionEntity } from './interaction.entity';
import { CreateFeedback1796420000000 } from './migrations/1796420000000-CreateFeedback';
import { ShardFeedbackRollups1796421000000 } from './migrations/1796421000000-ShardFeedbackRollups';
import { CreateDatasets1796450000000 } from './migrations/1796450000000-CreateDatasets';

// Entities and migrations of the feedback subgraph's tables. Each module owns its
// own lists; libs/data/src/schema.ts joins them into the one migration history.
export { FeedbackEntity, FeedbackRollupEntity, InteractionEntity, DatasetEntity, DatasetVersionEntity, DatasetItemEntity };

export const feedbackEntities: EntityClass[] = [InteractionEntity, FeedbackEntity, FeedbackRollupEntity, DatasetEntity, DatasetVersionEntity, DatasetItemEntity];
export const feedbackMigrations: MigrationClass[] = [CreateFeedback1796420000000, ShardFeedbackRollups1796421000000, CreateDatasets1796450000000];
