import type { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError, checkPageSize, type Page } from '@flywheel/server';
import type { ModelAliasModel, ModelRegistryEventModel, ModelStage, ModelVersionModel, RegisteredModelModel } from '../models';
import {
  checkAlias,
  checkJsonObject,
  checkKey,
  checkName,
  checkText,
  checkUuid,
  decodeCursor,
  encodeCursor,
  isUuid,
  MAX_SOURCE_LENGTH,
  MAX_TAG_VALUE,
  tagMap,
} from './validation';
import { requireDatasetVersion } from './lineage';

export interface CreateModelVersionInput {
  modelName: string;
  source: string;
  provider?: string | null;
  parameters?: unknown;
  runId?: string | null;
  datasetVersionId?: string | null;
  description?: string | null;
  tags?: ReadonlyArray<{ key: string; value: string }> | null;
}

interface ModelRow {
  id: string;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  version_count: number;
  created_at: Date;
  updated_at: Date;
}

interface VersionRow {
  id: string;
  model_id: string;
  version: number;
  source: string;
  provider: string | null;
  parameters: unknown;
  description: string | null;
  stage: ModelStage;
  tags: Record<string, string>;
  run_id: string | null;
  dataset_version_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const MODEL_COLUMNS = `m.id, m.name, m.description, m.tags, m.version_count, m.created_at, m.updated_at`;
const VERSION_COLUMNS = `v.id, v.model_id, v.version, v.source, v.provider, v.parameters, v.description, v.stage, v.tags,
  v.run_id, v.dataset_version_id, v.created_at, v.updated_at`;
const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`;
const MAX_TAG_FILTERS = 20;

const toModel = (row: ModelRow): RegisteredModelModel => ({
  id: row.id,
  name: row.name,
  description: row.description,
  tags: row.tags,
  versionCount: row.version_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toVersion = (row: VersionRow): ModelVersionModel => ({
  id: row.id,
  modelId: row.model_id,
  version: row.version,
  source: row.source,
  provider: row.provider,
  parameters: row.parameters,
  description: row.description,
  stage: row.stage,
  tags: row.tags,
  runId: row.run_id,
  datasetVersionId: row.dataset_version_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * The model registry: registered models, gap-free version numbers, aliases
 * that move atomically, stage transitions, and the append-only history that
 * answers "which version was champion at that moment". Every write is one
 * transaction; validation happens before any of it.
 */
export class ModelRegistryService {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a registered model; a taken name is a CONFLICT (the unique name constraint decides races). */
  async createModel(
    args: { name: string; description?: string | null; tags?: ReadonlyArray<{ key: string; value: string }> | null },
    actor: string | null = null,
  ): Promise<RegisteredModelModel> {
    checkName(args.name, 'name');
    checkText(args.description, 'description');
    const tags = tagMap(args.tags);
    const rows: ModelRow[] = await this.dataSource.query(
      `INSERT INTO registered_model AS m (name, description, tags, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING ${MODEL_COLUMNS}`,
      [args.name, args.description ?? null, JSON.stringify(tags), actor],
    );
    if (rows.length === 0) throw new ConflictError(`A registered model named '${args.name}' already exists`, { name: args.name });
    return toModel(rows[0]);
  }

  async updateModel(name: string, description: string | null | undefined): Promise<RegisteredModelModel> {
    checkName(name, 'name');
    checkText(description, 'description');
    const rows: ModelRow[] = await this.dataSource.query(
      `WITH changed AS (UPDATE registered_model AS m SET description = $2, updated_at = ${NOW_MS} WHERE name = $1 RETURNING ${MODEL_COLUMNS}) SELECT * FROM changed`,
      [name, description ?? null],
    );
    if (rows.length === 0) throw modelNotFound(name);
    return toModel(rows[0]);
  }

  /** Sets one tag; the jsonb update is a single statement, so concurrent tag writes never lose each other. */
  async setModelTag(name: string, key: string, value: string): Promise<RegisteredModelModel> {
    checkName(name, 'name');
    checkKey(key, 'key');
    checkText(value, 'value', MAX_TAG_VALUE);
    const rows: ModelRow[] = await this.dataSource.query(
      `WITH changed AS (UPDATE registered_model AS m SET tags = tags || jsonb_build_object($2::text, $3::text), updated_at = ${NOW_MS}
       WHERE name = $1 RETURNING ${MODEL_COLUMNS}) SELECT * FROM changed`,
      [name, key, value],
    );
    if (rows.length === 0) throw modelNotFound(name);
    return toModel(rows[0]);
  }

  async deleteModelTag(name: string, key: string): Promise<RegisteredModelModel> {
    checkName(name, 'name');
    checkKey(key, 'key');
    const rows: ModelRow[] = await this.dataSource.query(
      `WITH changed AS (UPDATE registered_model AS m SET tags = tags - $2::text, updated_at = ${NOW_MS} WHERE name = $1 AND tags ? $2 RETURNING ${MODEL_COLUMNS}) SELECT * FROM changed`,
      [name, key],
    );
    if (rows.length > 0) return toModel(rows[0]);
    const [model] = await this.modelsByName([name]);
    if (!model) throw modelNotFound(name);
    throw new NotFoundError(`Registered model '${name}' has no tag '${key}'`, { name, key });
  }

  /**
   * Registers the next version of a model. The registered_model row is locked
   * (`FOR UPDATE`) while the number is taken, so concurrent calls queue and get
   * consecutive numbers; the unique (model, version) constraint backs it.
   */
  async createVersion(input: CreateModelVersionInput, actor: string | null = null): Promise<ModelVersionModel> {
    checkName(input.modelName, 'modelName');
    if (input.source.trim().length === 0) throw new BadUserInputError('source must not be empty', { field: 'source' });
    checkText(input.source, 'source', MAX_SOURCE_LENGTH);
    checkText(input.provider, 'provider', 128);
    checkJsonObject(input.parameters, 'parameters');
    checkUuid(input.runId, 'runId');
    checkUuid(input.datasetVersionId, 'datasetVersionId');
    checkText(input.description, 'description');
    const tags = tagMap(input.tags);

    return this.dataSource.transaction(async (manager) => {
      const [model]: Array<{ id: string; version_count: number }> = await manager.query(
        `SELECT id, version_count FROM registered_model WHERE name = $1 FOR UPDATE`,
        [input.modelName],
      );
      if (!model) throw modelNotFound(input.modelName, 'modelName');
      if (input.runId) {
        const runs = await manager.query(`SELECT 1 FROM run WHERE id = $1`, [input.runId]);
        if (runs.length === 0) throw new NotFoundError(`No run with id '${input.runId}'`, { field: 'runId', runId: input.runId });
      }
      await requireDatasetVersion(manager, input.datasetVersionId);
      const version = model.version_count + 1;
      const [row]: VersionRow[] = await manager.query(
        `INSERT INTO model_version AS v (model_id, version, source, provider, parameters, run_id, dataset_version_id, description, tags, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING ${VERSION_COLUMNS}`,
        [
          model.id,
          version,
          input.source,
          input.provider ?? null,
          input.parameters == null ? null : JSON.stringify(input.parameters),
          input.runId ?? null,
          input.datasetVersionId ?? null,
          input.description ?? null,
          JSON.stringify(tags),
          actor,
        ],
      );
      await manager.query(`UPDATE registered_model SET version_count = $2, updated_at = ${NOW_MS} WHERE id = $1`, [model.id, version]);
      return toVersion(row);
    });
  }

  async updateVersion(modelName: string, version: number, description: string | null | undefined): Promise<ModelVersionModel> {
    checkName(modelName, 'modelName');
    checkText(description, 'description');
    return this.updateVersionRow(modelName, version, `description = $3`, [description ?? null]);
  }

  async setVersionTag(modelName: string, version: number, key: string, value: string): Promise<ModelVersionModel> {
    checkName(modelName, 'modelName');
    checkKey(key, 'key');
    checkText(value, 'value', MAX_TAG_VALUE);
    return this.updateVersionRow(modelName, version, `tags = v.tags || jsonb_build_object($3::text, $4::text)`, [key, value]);
  }

  async deleteVersionTag(modelName: string, version: number, key: string): Promise<ModelVersionModel> {
    checkName(modelName, 'modelName');
    checkKey(key, 'key');
    const current = await this.versionByNumber(this.dataSource.manager, modelName, version);
    if (!Object.prototype.hasOwnProperty.call(current.tags, key)) {
      throw new NotFoundError(`Version ${version} of model '${modelName}' has no tag '${key}'`, { modelName, version, key });
    }
    return this.updateVersionRow(modelName, version, `tags = v.tags - $3::text`, [key]);
  }

  /** One single-statement update of a version found by model name and number. */
  private async updateVersionRow(modelName: string, version: number, set: string, values: unknown[]): Promise<ModelVersionModel> {
    const rows: VersionRow[] = await this.dataSource.query(
      `WITH changed AS (UPDATE model_version AS v SET ${set}, updated_at = ${NOW_MS}
       FROM registered_model m WHERE m.id = v.model_id AND m.name = $1 AND v.version = $2
       RETURNING ${VERSION_COLUMNS}) SELECT * FROM changed`,
      [modelName, version, ...values],
    );
    if (rows.length > 0) return toVersion(rows[0]);
    return this.versionByNumber(this.dataSource.manager, modelName, version); // throws the precise NOT_FOUND
  }

  /**
   * Points an alias at a version and records the move. Moves of one alias
   * queue on a transaction-scoped advisory lock, so each sees the one before:
   * exactly one holder, and a history whose every "previous" is the last "to".
   */
  async setAlias(modelName: string, alias: string, version: number, actor: string | null = null): Promise<ModelVersionModel> {
    checkName(modelName, 'modelName');
    checkAlias(alias);
    return this.dataSource.transaction(async (manager) => {
      const target = await this.versionByNumber(manager, modelName, version);
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`model_alias:${target.modelId}:${alias}`]);
      const [previous]: Array<{ version_id: string }> = await manager.query(
        `SELECT version_id FROM model_alias WHERE model_id = $1 AND alias = $2`,
        [target.modelId, alias],
      );
      if (previous?.version_id === target.id) return target;
      await manager.query(
        `INSERT INTO model_alias (model_id, alias, version_id, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (model_id, alias) DO UPDATE SET version_id = EXCLUDED.version_id, updated_by = EXCLUDED.updated_by, updated_at = ${NOW_MS}`,
        [target.modelId, alias, target.id, actor],
      );
      await manager.query(
        `INSERT INTO model_registry_event (model_id, kind, alias, version_id, previous_version_id, actor) VALUES ($1, 'ALIAS_SET', $2, $3, $4, $5)`,
        [target.modelId, alias, target.id, previous?.version_id ?? null, actor],
      );
      return target;
    });
  }

  /** Removes an alias and records the removal, so `aliasAt` after it answers null. */
  async deleteAlias(modelName: string, alias: string, actor: string | null = null): Promise<RegisteredModelModel> {
    checkName(modelName, 'modelName');
    checkAlias(alias);
    return this.dataSource.transaction(async (manager) => {
      const [model]: ModelRow[] = await manager.query(`SELECT ${MODEL_COLUMNS} FROM registered_model m WHERE m.name = $1`, [modelName]);
      if (!model) throw modelNotFound(modelName, 'modelName');
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`model_alias:${model.id}:${alias}`]);
      const [previous]: Array<{ version_id: string }> = await manager.query(
        `WITH changed AS (DELETE FROM model_alias WHERE model_id = $1 AND alias = $2 RETURNING version_id) SELECT * FROM changed`,
        [model.id, alias],
      );
      if (!previous) throw new NotFoundError(`Model '${modelName}' has no alias '${alias}'`, { modelName, alias });
      await manager.query(
        `INSERT INTO model_registry_event (model_id, kind, alias, previous_version_id, actor) VALUES ($1, 'ALIAS_DELETED', $2, $3, $4)`,
        [model.id, alias, previous.version_id, actor],
      );
      return toModel(model);
    });
  }

  /**
   * Moves a version to a stage. Stage changes of one model serialise on its
   * registered_model row (`FOR UPDATE`); with `archiveExisting` (STAGING or
   * PRODUCTION only, as in MLflow) the current holders of the stage move to
   * ARCHIVED in the same transaction. Every change is a history row.
   */
  async transitionStage(
    modelName: string,
    version: number,
    stage: ModelStage,
    archiveExisting: boolean,
    actor: string | null = null,
  ): Promise<ModelVersionModel> {
    checkName(modelName, 'modelName');
    return this.dataSource.transaction(async (manager) => {
      const [model]: Array<{ id: string }> = await manager.query(`SELECT id FROM registered_model WHERE name = $1 FOR UPDATE`, [modelName]);
      if (!model) throw modelNotFound(modelName, 'modelName');
      const target = await this.versionByNumber(manager, modelName, version);
      if (archiveExisting && (stage === 'STAGING' || stage === 'PRODUCTION')) {
        const archived: Array<{ id: string; version: number }> = await manager.query(
          `WITH changed AS (UPDATE model_version SET stage = 'ARCHIVED', updated_at = ${NOW_MS}
           WHERE model_id = $1 AND stage = $2 AND id <> $3 RETURNING id, version) SELECT * FROM changed`,
          [model.id, stage, target.id],
        );
        if (archived.length > 0) {
          const ids = archived.sort((a, b) => a.version - b.version).map((row) => row.id);
          await manager.query(
            `INSERT INTO model_registry_event (model_id, kind, version_id, from_stage, to_stage, actor)
             SELECT $1::uuid, 'STAGE_TRANSITION', a.id, $2::text, 'ARCHIVED', $3::text
             FROM unnest($4::uuid[]) WITH ORDINALITY AS a(id, n) ORDER BY a.n`,
            [model.id, stage, actor, ids],
          );
        }
      }
      if (target.stage === stage) return target;
      const [row]: VersionRow[] = await manager.query(
        `WITH changed AS (UPDATE model_version AS v SET stage = $2, updated_at = ${NOW_MS} WHERE id = $1 RETURNING ${VERSION_COLUMNS}) SELECT * FROM changed`,
        [target.id, stage],
      );
      await manager.query(
        `INSERT INTO model_registry_event (model_id, kind, version_id, from_stage, to_stage, actor) VALUES ($1, 'STAGE_TRANSITION', $2, $3, $4, $5)`,
        [model.id, target.id, target.stage, stage, actor],
      );
      return toVersion(row);
    });
  }

  private async versionByNumber(manager: EntityManager, modelName: string, version: number): Promise<ModelVersionModel> {
    const rows: VersionRow[] = await manager.query(
      `SELECT ${VERSION_COLUMNS} FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = $1 AND v.version = $2`,
      [modelName, version],
    );
    if (rows.length > 0) return toVersion(rows[0]);
    const [model]: Array<{ version_count: number }> = await manager.query(`SELECT version_count FROM registered_model WHERE name = $1`, [modelName]);
    if (!model) throw modelNotFound(modelName, 'modelName');
    throw new NotFoundError(`Model '${modelName}' has no version ${version} (it has ${model.version_count})`, { modelName, version });
  }

  /**
   * One version by exactly one selector: `id`; `modelName` + `version`; or
   * `modelName` + `alias`. Null when there is none.
   */
  async findVersion(selector: { id?: string | null; modelName?: string | null; version?: number | null; alias?: string | null }): Promise<ModelVersionModel | null> {
    const { id, modelName, version, alias } = selector;
    if (id != null) {
      if (modelName != null || version != null || alias != null) {
        throw new BadUserInputError('Choose a model version by id alone, or by modelName with version or alias', { field: 'id' });
      }
      const [found] = await this.versionsById([id]);
      return found;
    }
    if (modelName == null) throw new BadUserInputError('Choose a model version by id, or by modelName with version or alias', { field: 'modelName' });
    checkName(modelName, 'modelName');
    if ((version == null) === (alias == null)) {
      throw new BadUserInputError('With modelName, give exactly one of version and alias', { field: version == null ? 'version' : 'alias' });
    }
    const rows: VersionRow[] =
      version != null
        ? await this.dataSource.query(
            `SELECT ${VERSION_COLUMNS} FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = $1 AND v.version = $2`,
            [modelName, version],
          )
        : await this.dataSource.query(
            `SELECT ${VERSION_COLUMNS} FROM model_alias a JOIN registered_model m ON m.id = a.model_id JOIN model_version v ON v.id = a.version_id
             WHERE m.name = $1 AND a.alias = $2`,
            [modelName, alias],
          );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  /**
   * The version that held `alias` at `at`: the latest alias event at or before
   * that moment (ties broken by the order the events were written). A deletion
   * is an event too, so the answer after it is null.
   */
  async aliasAt(modelId: string, alias: string, at: Date): Promise<ModelVersionModel | null> {
    checkAlias(alias);
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new BadUserInputError('at must be a date-time', { field: 'at' });
    const rows: Array<{ version_id: string | null }> = await this.dataSource.query(
      `SELECT version_id FROM model_registry_event
       WHERE model_id = $1 AND alias = $2 AND occurred_at <= $3
       ORDER BY occurred_at DESC, id DESC LIMIT 1`,
      [modelId, alias, at],
    );
    if (!rows[0]?.version_id) return null;
    const [version] = await this.versionsById([rows[0].version_id]);
    return version;
  }

  /** Alias moves and stage transitions of a model, newest first. */
  async history(modelId: string, alias: string | null | undefined, first: number | null | undefined): Promise<ModelRegistryEventModel[]> {
    const size = checkPageSize(first, 'first', 1000);
    if (alias != null) checkAlias(alias);
    const rows: Array<{
      kind: ModelRegistryEventModel['kind'];
      alias: string | null;
      version_id: string | null;
      previous_version_id: string | null;
      from_stage: ModelStage | null;
      to_stage: ModelStage | null;
      actor: string | null;
      occurred_at: Date;
    }> = await this.dataSource.query(
      `SELECT kind, alias, version_id, previous_version_id, from_stage, to_stage, actor, occurred_at FROM model_registry_event
       WHERE model_id = $1 AND ($2::text IS NULL OR alias = $2)
       ORDER BY id DESC LIMIT $3`,
      [modelId, alias ?? null, size],
    );
    return rows.map((row) => ({
      kind: row.kind,
      alias: row.alias,
      versionId: row.version_id,
      previousVersionId: row.previous_version_id,
      fromStage: row.from_stage,
      toStage: row.to_stage,
      actor: row.actor,
      at: row.occurred_at,
    }));
  }

  async versionsOfModel(modelId: string, stage: ModelStage | null | undefined): Promise<ModelVersionModel[]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM model_version v WHERE v.model_id = $1 AND ($2::text IS NULL OR v.stage = $2) ORDER BY v.version`,
      [modelId, stage ?? null],
    );
    return rows.map(toVersion);
  }

  async latestVersion(modelId: string): Promise<ModelVersionModel | null> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM model_version v WHERE v.model_id = $1 ORDER BY v.version DESC LIMIT 1`,
      [modelId],
    );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  async aliases(modelId: string): Promise<ModelAliasModel[]> {
    const rows: Array<{ alias: string; version_id: string; updated_at: Date; updated_by: string | null }> = await this.dataSource.query(
      `SELECT alias, version_id, updated_at, updated_by FROM model_alias WHERE model_id = $1 ORDER BY alias`,
      [modelId],
    );
    return rows.map((row) => ({ alias: row.alias, versionId: row.version_id, updatedAt: row.updated_at, updatedBy: row.updated_by }));
  }

  async modelsByName(names: readonly string[]): Promise<Array<RegisteredModelModel | null>> {
    const rows: ModelRow[] = await this.dataSource.query(`SELECT ${MODEL_COLUMNS} FROM registered_model m WHERE m.name = ANY($1::text[])`, [names]);
    const byName = new Map(rows.map((row) => [row.name, toModel(row)]));
    return names.map((name) => byName.get(name) ?? null);
  }

  async modelsById(ids: readonly string[]): Promise<Array<RegisteredModelModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: ModelRow[] = valid.length
      ? await this.dataSource.query(`SELECT ${MODEL_COLUMNS} FROM registered_model m WHERE m.id = ANY($1::uuid[])`, [valid])
      : [];
    const byId = new Map(rows.map((row) => [row.id, toModel(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  async versionsById(ids: readonly string[]): Promise<Array<ModelVersionModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: VersionRow[] = valid.length
      ? await this.dataSource.query(`SELECT ${VERSION_COLUMNS} FROM model_version v WHERE v.id = ANY($1::uuid[])`, [valid])
      : [];
    const byId = new Map(rows.map((row) => [row.id, toVersion(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  /** Aliases pointing at each version now, for a batch of version ids. */
  async aliasesOfVersions(ids: readonly string[]): Promise<string[][]> {
    const rows: Array<{ version_id: string; alias: string }> = await this.dataSource.query(
      `SELECT version_id, alias FROM model_alias WHERE version_id = ANY($1::uuid[]) ORDER BY alias`,
      [ids.filter(isUuid)],
    );
    const byVersion = new Map<string, string[]>();
    for (const row of rows) byVersion.set(row.version_id, [...(byVersion.get(row.version_id) ?? []), row.alias]);
    return ids.map((id) => byVersion.get(id.toLowerCase()) ?? []);
  }

  /** Versions registered from each run, for a batch of run ids. */
  async versionsOfRuns(runIds: readonly string[]): Promise<ModelVersionModel[][]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM model_version v JOIN registered_model m ON m.id = v.model_id
       WHERE v.run_id = ANY($1::uuid[]) ORDER BY m.name, v.version`,
      [runIds.filter(isUuid)],
    );
    const byRun = new Map<string, ModelVersionModel[]>();
    for (const row of rows) byRun.set(row.run_id as string, [...(byRun.get(row.run_id as string) ?? []), toVersion(row)]);
    return runIds.map((id) => byRun.get(id) ?? []);
  }

  /** Registered models by name; filtered by name prefix and tags (key present, or key = value). */
  async listModels(args: {
    first?: number | null;
    after?: string | null;
    namePrefix?: string | null;
    tags?: ReadonlyArray<{ key: string; value?: string | null }> | null;
  }): Promise<Page<RegisteredModelModel>> {
    const size = checkPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 'after', (value): value is string => typeof value === 'string') : null;
    if (args.namePrefix != null) checkText(args.namePrefix, 'namePrefix', 128);
    const filters = args.tags ?? [];
    if (filters.length > MAX_TAG_FILTERS) throw new BadUserInputError(`tags has ${filters.length} filters; the limit is ${MAX_TAG_FILTERS}`, { field: 'tags' });
    const contains: Record<string, string> = {};
    const present: string[] = [];
    filters.forEach((filter, index) => {
      checkKey(filter.key, `tags[${index}].key`);
      if (filter.value == null) {
        present.push(filter.key);
      } else {
        checkText(filter.value, `tags[${index}].value`, MAX_TAG_VALUE);
        if (contains[filter.key] !== undefined && contains[filter.key] !== filter.value) contains[filter.key] = '\u0001impossible'; // key = a AND key = b
        else contains[filter.key] = filter.value;
      }
    });
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${MODEL_COLUMNS} FROM registered_model m
       WHERE ($1::text IS NULL OR m.name COLLATE "C" > $1)
         AND ($2::text IS NULL OR starts_with(m.name, $2))
         AND m.tags @> $3::jsonb
         AND m.tags ?& $4::text[]
       ORDER BY m.name COLLATE "C" LIMIT $5`,
      [after, args.namePrefix ?? null, JSON.stringify(contains), present, size + 1],
    );
    return { items: rows.slice(0, size).map(toModel), hasNextPage: rows.length > size, cursorOf: (model) => encodeCursor(model.name) };
  }
}

function modelNotFound(name: string, field = 'name'): NotFoundError {
  return new NotFoundError(`No registered model named '${name}'`, { field, name });
}
