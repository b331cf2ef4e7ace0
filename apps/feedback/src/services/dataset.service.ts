import type { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, NotFoundError, decodeCursor, encodeCursor, type Page } from '@flywheel/server';
import type { DatasetExportFormatValue, DatasetItemModel, DatasetModel, DatasetVersionModel } from '../models';
import {
  itemContent,
  ItemListHasher,
  itemLine,
  ITEM_COLUMNS,
  preferenceLine,
  toItem,
  type ItemRow,
  type PromptForExport,
} from './dataset-content';
import { filterJson, MAX_DATASET_ITEMS, parseDatasetFilter, snapshotParams, snapshotSql, type DatasetFilterInput } from './dataset-filter';
import { isUuid, MAX_OUTPUT_LENGTH } from './validation';

export interface CreateDatasetInput {
  name: string;
  description?: string | null;
  filter: DatasetFilterInput;
}

/** `exportDataset` returns the JSONL inline up to this many items; beyond, the download route streams it. */
export const MAX_INLINE_EXPORT_ITEMS = 10_000;
/** Rows per round trip of the export and hashing cursors. */
export const CURSOR_BATCH = 1000;
export const MAX_ITEMS_PAGE = 1000;
export const EXPORT_FORMATS: readonly DatasetExportFormatValue[] = ['OPENAI_CHAT_JSONL', 'PROMPT_COMPLETION_JSONL', 'PREFERENCE_JSONL'];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
const MAX_DESCRIPTION = 10_000;

const VERSION_COLUMNS = `v.id, v.dataset_id, v.version, v.hash, v.item_count, v.filter, v.parent_id, v.change, v.created_at`;

interface VersionRow {
  id: string;
  dataset_id: string;
  version: number;
  hash: string;
  item_count: number;
  filter: Record<string, unknown>;
  parent_id: string | null;
  change: unknown;
  created_at: Date;
}

interface DatasetRow {
  id: string;
  name: string;
  description: string | null;
  version_count: number;
  created_at: Date;
  updated_at: Date;
}

const DATASET_COLUMNS = `d.id, d.name, d.description, d.created_at, d.updated_at,
  (SELECT count(*)::int FROM dataset_version v WHERE v.dataset_id = d.id) AS version_count`;

const toVersion = (row: VersionRow): DatasetVersionModel => ({
  id: row.id,
  datasetId: row.dataset_id,
  version: row.version,
  hash: row.hash,
  itemCount: row.item_count,
  filter: row.filter,
  parentId: row.parent_id,
  change: row.change,
  createdAt: row.created_at,
});

const toDataset = (row: DatasetRow): DatasetModel => ({
  id: row.id,
  name: row.name,
  description: row.description,
  versionCount: row.version_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Reports of the export cursor, for tests and logs: rows fetched per round trip. */
export interface ExportOptions {
  batchSize?: number;
  onBatch?(rows: number): void;
}

/**
 * The data flywheel: datasets as immutable, content-hashed snapshots of
 * interactions with their feedback, edits as new versions, and exports for
 * fine-tuning that stream from a server-side cursor.
 */
export class DatasetService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes a snapshot as the next version of the dataset `name`: one
   * transaction that locks the dataset row (`FOR UPDATE`, so concurrent
   * snapshots of one name queue and get consecutive numbers), copies the
   * matching interactions with ONE `INSERT … SELECT`, hashes the items through
   * a cursor, and writes the hash and count.
   */
  async createDataset(input: CreateDatasetInput, actor: string | null = null): Promise<DatasetVersionModel> {
    checkName(input.name);
    checkDescription(input.description);
    const filter = parseDatasetFilter(input.filter);
    return this.dataSource.transaction(async (manager) => {
      const datasetId = await this.lockDataset(manager, input.name, input.description ?? null, actor);
      const version = await this.insertVersion(manager, datasetId, { filter: filterJson(filter), parentId: null, change: null, actor });
      const [{ count }]: Array<{ count: number }> = await manager.query(snapshotSql(filter.sampleSize !== null), snapshotParams(version, filter));
      if (count > MAX_DATASET_ITEMS) {
        throw new BadUserInputError(`the filter matches more than ${MAX_DATASET_ITEMS} interactions; narrow it or set filter.sampleSize`, {
          field: 'filter',
          limit: MAX_DATASET_ITEMS,
        });
      }
      return this.seal(manager, version, count);
    });
  }

  /**
   * Sets one item's corrected output in a NEW version derived from the item's
   * version: every item is copied with SQL, that one with the new value; the
   * old version is untouched (and immutable in the database). The same value
   * again returns the item's version without a new one (safe to retry).
   */
  async setExpectedOutput(itemId: string, expectedOutput: string, actor: string | null = null): Promise<DatasetVersionModel> {
    if (!isUuid(itemId)) throw new NotFoundError(`No dataset item with id '${itemId.slice(0, 80)}'`, { field: 'itemId' });
    if (expectedOutput.trim().length === 0) throw new BadUserInputError('expectedOutput must not be empty', { field: 'expectedOutput' });
    if (expectedOutput.length > MAX_OUTPUT_LENGTH) {
      throw new BadUserInputError(`expectedOutput is ${expectedOutput.length} characters long; the limit is ${MAX_OUTPUT_LENGTH}`, { field: 'expectedOutput' });
    }
    if (expectedOutput.includes('\u0000')) throw new BadUserInputError('expectedOutput contains a NUL character (U+0000), which cannot be stored', { field: 'expectedOutput' });
    return this.dataSource.transaction(async (manager) => {
      const [item]: Array<{ key: string; expected_output: string | null; version_id: string; dataset_id: string; item_count: number }> = await manager.query(
        `SELECT i.key, i.expected_output, v.id AS version_id, v.dataset_id, v.item_count
         FROM dataset_item i JOIN dataset_version v ON v.id = i.dataset_version_id WHERE i.id = $1`,
        [itemId],
      );
      if (!item) throw new NotFoundError(`No dataset item with id '${itemId}'`, { field: 'itemId' });
      if (item.expected_output === expectedOutput) return (await this.versionsById([item.version_id]))[0] as DatasetVersionModel;
      await manager.query(`SELECT 1 FROM dataset WHERE id = $1 FOR UPDATE`, [item.dataset_id]);
      const [parent]: Array<{ filter: unknown }> = await manager.query(`SELECT filter FROM dataset_version WHERE id = $1`, [item.version_id]);
      const version = await this.insertVersion(manager, item.dataset_id, {
        filter: parent.filter,
        parentId: item.version_id,
        change: { setExpectedOutput: { key: item.key } },
        actor,
      });
      await manager.query(
        `INSERT INTO dataset_item (dataset_version_id, position, key, request_id, input, output, expected_output, feedback, feedback_ids,
                                   prompt_version_id, prompt_version_hash, model_version_id, experiment_id, variant)
         SELECT $1, position, key, request_id, input, output, CASE WHEN id = $3 THEN $4 ELSE expected_output END, feedback, feedback_ids,
                prompt_version_id, prompt_version_hash, model_version_id, experiment_id, variant
         FROM dataset_item WHERE dataset_version_id = $2`,
        [version, item.version_id, itemId, expectedOutput],
      );
      return this.seal(manager, version, item.item_count);
    });
  }

  /** Creates the dataset on first use and locks its row for the rest of the transaction; returns its id. */
  private async lockDataset(manager: EntityManager, name: string, description: string | null, actor: string | null): Promise<string> {
    await manager.query(`INSERT INTO dataset (name, description, created_by) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [name, description, actor]);
    // A racing creator's row is visible once it commits: READ COMMITTED takes a new snapshot per statement.
    const [dataset]: Array<{ id: string }> = await manager.query(`SELECT id FROM dataset WHERE name = $1 FOR UPDATE`, [name]);
    if (description !== null) await manager.query(`UPDATE dataset SET description = $2, updated_at = now() WHERE id = $1`, [dataset.id, description]);
    return dataset.id;
  }

  /** Inserts the next version row (hash pending) under the dataset lock; returns its id. */
  private async insertVersion(
    manager: EntityManager,
    datasetId: string,
    fields: { filter: unknown; parentId: string | null; change: unknown; actor: string | null },
  ): Promise<string> {
    const [row]: Array<{ id: string }> = await manager.query(
      `INSERT INTO dataset_version (dataset_id, version, filter, parent_id, change, created_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5 FROM dataset_version WHERE dataset_id = $1
       RETURNING id`,
      [datasetId, JSON.stringify(fields.filter), fields.parentId, fields.change === null ? null : JSON.stringify(fields.change), fields.actor],
    );
    await manager.query(`UPDATE dataset SET updated_at = now() WHERE id = $1`, [datasetId]);
    return row.id;
  }

  /** Hashes the version's items through a cursor (never all in memory) and writes hash and count, once. */
  private async seal(manager: EntityManager, versionId: string, count: number): Promise<DatasetVersionModel> {
    const hasher = new ItemListHasher();
    await forEachBatch(manager, `SELECT ${ITEM_COLUMNS} FROM dataset_item WHERE dataset_version_id = $1 ORDER BY position`, [versionId], CURSOR_BATCH, (rows: ItemRow[]) => {
      for (const row of rows) hasher.add(itemContent(toItem(row)));
    });
    const [row]: VersionRow[] = await manager.query(
      // Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
      `WITH sealed AS (UPDATE dataset_version v SET hash = $2, item_count = $3 WHERE v.id = $1 RETURNING ${VERSION_COLUMNS}) SELECT * FROM sealed`,
      [versionId, hasher.digest(), count],
    );
    return toVersion(row);
  }

  // ------------------------------------------------------------------ reads --

  async versionsById(ids: readonly string[]): Promise<Array<DatasetVersionModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: VersionRow[] = valid.length
      ? await this.dataSource.query(`SELECT ${VERSION_COLUMNS} FROM dataset_version v WHERE v.id = ANY($1::uuid[]) AND v.hash IS NOT NULL`, [valid])
      : [];
    const byId = new Map(rows.map((row) => [row.id, toVersion(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  async datasetsById(ids: readonly string[]): Promise<Array<DatasetModel | null>> {
    const rows: DatasetRow[] = await this.dataSource.query(`SELECT ${DATASET_COLUMNS} FROM dataset d WHERE d.id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, toDataset(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async datasetsByName(names: readonly string[]): Promise<Array<DatasetModel | null>> {
    const rows: DatasetRow[] = await this.dataSource.query(`SELECT ${DATASET_COLUMNS} FROM dataset d WHERE d.name = ANY($1::text[])`, [names]);
    const byName = new Map(rows.map((row) => [row.name, toDataset(row)]));
    return names.map((name) => byName.get(name) ?? null);
  }

  /** Every version of each dataset, oldest first. */
  async versionsOfDatasets(datasetIds: readonly string[]): Promise<DatasetVersionModel[][]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM dataset_version v WHERE v.dataset_id = ANY($1::uuid[]) AND v.hash IS NOT NULL ORDER BY v.version`,
      [datasetIds],
    );
    const byDataset = new Map<string, DatasetVersionModel[]>();
    for (const row of rows) byDataset.set(row.dataset_id, [...(byDataset.get(row.dataset_id) ?? []), toVersion(row)]);
    return datasetIds.map((id) => byDataset.get(id) ?? []);
  }

  /** The highest-numbered version of each dataset. */
  async latestOfDatasets(datasetIds: readonly string[]): Promise<Array<DatasetVersionModel | null>> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (v.dataset_id) ${VERSION_COLUMNS} FROM dataset_version v
       WHERE v.dataset_id = ANY($1::uuid[]) AND v.hash IS NOT NULL ORDER BY v.dataset_id, v.version DESC`,
      [datasetIds],
    );
    const byDataset = new Map(rows.map((row) => [row.dataset_id, toVersion(row)]));
    return datasetIds.map((id) => byDataset.get(id) ?? null);
  }

  async listDatasets(args: { first?: number | null; after?: string | null; namePrefix?: string | null }): Promise<Page<DatasetModel>> {
    const size = args.first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 100) throw new BadUserInputError(`first must be from 1 to 100; got ${size}`, { field: 'first' });
    const after = args.after != null ? decodeCursor(args.after) : null;
    if (args.namePrefix != null && (args.namePrefix.length > 128 || args.namePrefix.includes('\u0000'))) {
      throw new BadUserInputError('namePrefix must be at most 128 characters without NUL', { field: 'namePrefix' });
    }
    const rows: DatasetRow[] = await this.dataSource.query(
      `SELECT ${DATASET_COLUMNS} FROM dataset d
       WHERE ($1::text IS NULL OR d.name COLLATE "C" > $1) AND ($2::text IS NULL OR starts_with(d.name, $2))
       ORDER BY d.name COLLATE "C" LIMIT $3`,
      [after, args.namePrefix ?? null, size + 1],
    );
    return { items: rows.slice(0, size).map(toDataset), hasNextPage: rows.length > size, cursorOf: (dataset) => encodeCursor(dataset.name) };
  }

  /** `limit` items of a version from `offset`, in position order. */
  async items(versionId: string, offset: number, limit: number): Promise<DatasetItemModel[]> {
    if (!Number.isInteger(offset) || offset < 0) throw new BadUserInputError(`offset must be a non-negative integer; got ${offset}`, { field: 'offset' });
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ITEMS_PAGE) {
      throw new BadUserInputError(`limit must be from 1 to ${MAX_ITEMS_PAGE}; got ${limit}`, { field: 'limit' });
    }
    // Positions are 1..itemCount without gaps, so the page is an index range scan.
    const rows: ItemRow[] = await this.dataSource.query(
      `SELECT ${ITEM_COLUMNS} FROM dataset_item WHERE dataset_version_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
      [versionId, offset, limit],
    );
    return rows.map(toItem);
  }

  /** Ids of the model versions trained on each dataset version (the model registry's table, read for lineage). */
  async modelVersionIdsOf(versionIds: readonly string[]): Promise<string[][]> {
    return this.idsReferencing('model_version', versionIds);
  }

  /** Ids of the runs evaluated on each dataset version (the model registry's table, read for lineage). */
  async runIdsOf(versionIds: readonly string[]): Promise<string[][]> {
    return this.idsReferencing('run', versionIds);
  }

  private async idsReferencing(table: 'model_version' | 'run', versionIds: readonly string[]): Promise<string[][]> {
    const order = table === 'run' ? 'started_at' : 'created_at';
    const rows: Array<{ id: string; dataset_version_id: string }> = await this.dataSource.query(
      `SELECT id, dataset_version_id FROM ${table} WHERE dataset_version_id = ANY($1::uuid[]) ORDER BY ${order}, id`,
      [versionIds],
    );
    const byVersion = new Map<string, string[]>();
    for (const row of rows) byVersion.set(row.dataset_version_id, [...(byVersion.get(row.dataset_version_id) ?? []), row.id]);
    return versionIds.map((id) => byVersion.get(id) ?? []);
  }

  // ---------------------------------------------------------------- exports --

  /** A version that must exist (NOT_FOUND otherwise). */
  async requireVersion(id: string, field = 'id'): Promise<DatasetVersionModel> {
    const [version] = await this.versionsById([id]);
    if (!version) throw new NotFoundError(`No dataset version with id '${id.slice(0, 80)}'`, { field });
    return version;
  }

  /** The name of a dataset version's dataset (for file names). */
  async datasetNameOf(version: DatasetVersionModel): Promise<string> {
    const [dataset] = await this.datasetsById([version.datasetId]);
    return dataset?.name ?? 'dataset';
  }

  /** The JSONL of a small version, inline (≤ MAX_INLINE_EXPORT_ITEMS items). */
  async exportInline(id: string, format: DatasetExportFormatValue): Promise<string> {
    checkFormat(format);
    const version = await this.requireVersion(id);
    if (version.itemCount > MAX_INLINE_EXPORT_ITEMS) {
      throw new BadUserInputError(
        `dataset version ${id} has ${version.itemCount} items; exportDataset returns at most ${MAX_INLINE_EXPORT_ITEMS}: download it from DatasetVersion.downloadUrl(format), which streams any size`,
        { field: 'id', limit: MAX_INLINE_EXPORT_ITEMS },
      );
    }
    const chunks: string[] = [];
    for await (const chunk of this.exportChunks(version.id, format)) chunks.push(chunk);
    return chunks.join('');
  }

  /**
   * The JSONL of a version in chunks of up to one cursor batch of lines (each
   * line ends with a newline). Reads through a server-side cursor on one
   * connection (`DECLARE … CURSOR` + `FETCH n`), so memory holds one batch
   * whatever the size. Stopping early (`return()` on the iterator, as `break`
   * does) closes the cursor and frees the connection.
   */
  async *exportChunks(versionId: string, format: DatasetExportFormatValue, options: ExportOptions = {}): AsyncGenerator<string> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let done = false;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const prompts = new Map<string, PromptForExport | null>();
      const promptsFor = async (ids: Array<string | null>) => {
        const missing = [...new Set(ids.filter((id): id is string => id !== null && !prompts.has(id)))];
        if (missing.length === 0) return;
        // The prompt module's table, read-only: template, system prompt and few-shot examples.
        const rows: Array<{ id: string; template: string; model_config: { systemPrompt?: string | null; fewShot?: Array<{ input: string; output: string }> } }> =
          await runner.query(`SELECT id, template, model_config FROM prompt_version WHERE id = ANY($1::uuid[])`, [missing]);
        for (const id of missing) prompts.set(id, null);
        for (const row of rows) {
          prompts.set(row.id, { template: row.template, systemPrompt: row.model_config?.systemPrompt ?? null, fewShot: row.model_config?.fewShot ?? [] });
        }
      };
      const prompt = (id: string | null) => (id === null ? null : (prompts.get(id) ?? null));
      const batchSize = options.batchSize ?? CURSOR_BATCH;
      if (format === 'PREFERENCE_JSONL') {
        await runner.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${PREFERENCE_PAIRS_SQL}`, [versionId]);
        for (;;) {
          const rows: Array<{ input: unknown; prompt_version_id: string | null; chosen: string | null; rejected: string | null }> = await runner.query(
            `FETCH ${batchSize} FROM export_cursor`,
          );
          options.onBatch?.(rows.length);
          if (rows.length === 0) break;
          await promptsFor(rows.map((row) => row.prompt_version_id));
          const lines = rows.map((row) => preferenceLine(row.input, prompt(row.prompt_version_id), row.chosen, row.rejected)).filter((line) => line !== null);
          if (lines.length) yield `${lines.join('\n')}\n`;
        }
      } else {
        await runner.query(`DECLARE export_cursor NO SCROLL CURSOR FOR SELECT ${ITEM_COLUMNS} FROM dataset_item WHERE dataset_version_id = $1 ORDER BY position`, [versionId]);
        for (;;) {
          const rows: ItemRow[] = await runner.query(`FETCH ${batchSize} FROM export_cursor`);
          options.onBatch?.(rows.length);
          if (rows.length === 0) break;
          await promptsFor(rows.map((row) => row.prompt_version_id));
          const lines: string[] = [];
          for (const row of rows) {
            const line = itemLine(format, toItem(row), prompt(row.prompt_version_id));
            if (line !== null) lines.push(line);
          }
          if (lines.length) yield `${lines.join('\n')}\n`;
        }
      }
      await runner.query('COMMIT');
      done = true;
    } finally {
      // Stopped early or failed: end the transaction (closing the cursor) before the connection goes back to the pool.
      if (!done) await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }
}

/**
 * Preference pairs of a version: two items with the same input where the
 * first signal both have ranks one above the other (mean rating, else share of
 * thumbs up, else mean score). A/B feedback on one input across variants is
 * exactly such a pair. Texts are the corrected output, else the output.
 */
const PREFERENCE_PAIRS_SQL = `
  WITH items AS (
    SELECT position, input, prompt_version_id, coalesce(expected_output, output) AS text,
           (feedback->>'meanRating')::float8 AS rating,
           CASE WHEN (feedback->>'thumbsUp')::int + (feedback->>'thumbsDown')::int > 0
                THEN (feedback->>'thumbsUp')::float8 / ((feedback->>'thumbsUp')::int + (feedback->>'thumbsDown')::int) END AS thumbs,
           (feedback->>'meanScore')::float8 AS score
    FROM dataset_item WHERE dataset_version_id = $1 AND input IS NOT NULL
  )
  SELECT a.input, a.prompt_version_id, a.text AS chosen, b.text AS rejected
  FROM items a JOIN items b ON b.input = a.input AND b.position <> a.position
  WHERE CASE WHEN a.rating IS NOT NULL AND b.rating IS NOT NULL THEN a.rating > b.rating
             WHEN a.thumbs IS NOT NULL AND b.thumbs IS NOT NULL THEN a.thumbs > b.thumbs
             WHEN a.score IS NOT NULL AND b.score IS NOT NULL THEN a.score > b.score
             ELSE false END
  ORDER BY a.position, b.position`;

/**
 * Runs `sql` through a server-side cursor inside the manager's transaction and
 * hands each batch of at most `batchSize` rows to `handle`.
 */
async function forEachBatch<Row>(manager: EntityManager, sql: string, params: unknown[], batchSize: number, handle: (rows: Row[]) => void): Promise<void> {
  await manager.query(`DECLARE batch_cursor NO SCROLL CURSOR FOR ${sql}`, params);
  for (;;) {
    const rows: Row[] = await manager.query(`FETCH ${batchSize} FROM batch_cursor`);
    if (rows.length === 0) break;
    handle(rows);
  }
  await manager.query('CLOSE batch_cursor');
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new BadUserInputError(`name must be 1–128 characters of letters, digits, '.', '_', '-' or '/', starting with a letter or digit; got ${JSON.stringify(name.slice(0, 80))}`, {
      field: 'name',
    });
  }
}

function checkDescription(description: string | null | undefined): void {
  if (description == null) return;
  if (description.length > MAX_DESCRIPTION) throw new BadUserInputError(`description is ${description.length} characters long; the limit is ${MAX_DESCRIPTION}`, { field: 'description' });
  if (description.includes('\u0000')) throw new BadUserInputError('description contains a NUL character (U+0000), which cannot be stored', { field: 'description' });
}

/** Formats come from the GraphQL enum; the download route's query string is checked here too. */
export function checkFormat(format: string): asserts format is DatasetExportFormatValue {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new BadUserInputError(`format must be one of ${EXPORT_FORMATS.join(', ')}`, { field: 'format' });
  }
}
