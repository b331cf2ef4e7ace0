import type { EntityManager } from 'typeorm';
import { NotFoundError } from '@flywheel/server';

/**
 * Checks that a dataset version exists before a model version or run points at
 * it: the feedback module's `dataset_version` table, read for integrity (the
 * foreign key backs it; this gives the client a NOT_FOUND naming the field
 * rather than a constraint error).
 */
export async function requireDatasetVersion(manager: EntityManager, datasetVersionId: string | null | undefined): Promise<void> {
  if (datasetVersionId == null) return;
  const found: unknown[] = await manager.query(`SELECT 1 FROM dataset_version WHERE id = $1 AND hash IS NOT NULL`, [datasetVersionId]);
  if (found.length === 0) {
    throw new NotFoundError(`No dataset version with id '${datasetVersionId}'`, { field: 'datasetVersionId', datasetVersionId });
  }
}
