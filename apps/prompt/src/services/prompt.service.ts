import { createTwoFilesPatch } from 'diff';
import type { DataSource, EntityManager } from 'typeorm';
import {
  normaliseModelConfig,
  promptVersionHash,
  renderTemplate,
  templateVariables,
  TemplateError,
  type ModelConfig,
  type ModelConfigInput,
} from '@flywheel/core';
import { BadUserInputError, NotFoundError, checkPageSize, decodeCursor, encodeCursor, type Page } from '@flywheel/server';
import type {
  PromptDiffModel,
  PromptLabelModel,
  PromptLabelMoveModel,
  PromptModel,
  PromptVersionModel,
  RenderedPromptModel,
} from '../models';
import {
  checkJson,
  checkLabel,
  checkPromptName,
  checkRange,
  checkText,
  MAX_TEMPLATE_LENGTH,
} from './validation';

export interface RegisterPromptInput {
  name: string;
  template: string;
  modelConfig?: ModelConfigInput | null;
  metadata?: unknown;
  commitMessage?: string | null;
  description?: string | null;
}

const VERSION_COLUMNS = `v.id, v.prompt_id, v.number, v.hash, v.template, v.variables, v.model_config,
  v.metadata, v.commit_message, v.created_at`;

interface VersionRow {
  id: string;
  prompt_id: string;
  number: number;
  hash: string;
  template: string;
  variables: string[];
  model_config: ModelConfig;
  metadata: unknown;
  commit_message: string | null;
  created_at: Date;
}

interface PromptRow {
  id: string;
  name: string;
  description: string | null;
  version_count: number;
  created_at: Date;
  updated_at: Date;
}

const toVersion = (row: VersionRow): PromptVersionModel => ({
  id: row.id,
  promptId: row.prompt_id,
  number: row.number,
  hash: row.hash,
  template: row.template,
  variables: row.variables,
  modelConfig: row.model_config,
  metadata: row.metadata,
  commitMessage: row.commit_message,
  createdAt: row.created_at,
});

const toPrompt = (row: PromptRow): PromptModel => ({
  id: row.id,
  name: row.name,
  description: row.description,
  versionCount: row.version_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed UUID; other ids cannot exist, so lookups skip the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The prompt registry: registration with content identity and gap-free
 * numbering, labels with history, rendering and diffs. Every write is one
 * transaction; validation happens before any of it.
 */
export class PromptService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Registers a version, or returns the existing one with the same content.
   * The prompt row is locked (`FOR UPDATE`) while the number is taken, so
   * concurrent registrations of one prompt get consecutive numbers, and the
   * unique (prompt, hash) constraint backs the "same content, one version" rule.
   */
  async register(input: RegisterPromptInput, actor: string | null = null): Promise<{ version: PromptVersionModel; created: boolean }> {
    checkPromptName(input.name);
    if (input.template.length === 0) throw new BadUserInputError('template must not be empty', { field: 'template' });
    checkText(input.template, 'template', MAX_TEMPLATE_LENGTH);
    checkText(input.commitMessage, 'commitMessage');
    checkText(input.description, 'description');
    checkJson(input.metadata, 'metadata');
    const modelConfig = this.validModelConfig(input.modelConfig);
    let variables: string[];
    try {
      variables = templateVariables(input.template);
    } catch (error) {
      if (error instanceof TemplateError) throw new BadUserInputError(error.message.replace('parseTemplate: ', 'template: '), { field: 'template' });
      throw error;
    }
    const hash = promptVersionHash(input.template, modelConfig);

    return this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO prompt (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
        input.name,
        input.description ?? null,
      ]);
      const [prompt]: Array<{ id: string; version_count: number }> = await manager.query(
        `SELECT id, version_count FROM prompt WHERE name = $1 FOR UPDATE`,
        [input.name],
      );
      if (input.description != null) {
        await manager.query(`UPDATE prompt SET description = $2, updated_at = now() WHERE id = $1 AND description IS DISTINCT FROM $2`, [
          prompt.id,
          input.description,
        ]);
      }
      const existing: VersionRow[] = await manager.query(`SELECT ${VERSION_COLUMNS} FROM prompt_version v WHERE v.prompt_id = $1 AND v.hash = $2`, [
        prompt.id,
        hash,
      ]);
      if (existing.length > 0) return { version: toVersion(existing[0]), created: false };
      const number = prompt.version_count + 1;
      const [row]: VersionRow[] = await manager.query(
        `INSERT INTO prompt_version AS v (prompt_id, number, hash, template, variables, model_config, metadata, commit_message, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING ${VERSION_COLUMNS}`,
        [
          prompt.id,
          number,
          hash,
          input.template,
          variables,
          JSON.stringify(modelConfig),
          input.metadata === undefined || input.metadata === null ? null : JSON.stringify(input.metadata),
          input.commitMessage ?? null,
          actor,
        ],
      );
      await manager.query(`UPDATE prompt SET version_count = $2, updated_at = now() WHERE id = $1`, [prompt.id, number]);
      return { version: toVersion(row), created: true };
    });
  }

  private validModelConfig(input: ModelConfigInput | null | undefined): ModelConfig {
    const config = normaliseModelConfig(input);
    checkText(config.model, 'modelConfig.model', 256);
    checkRange(config.temperature, 'modelConfig.temperature', 0, 2);
    checkRange(config.topP, 'modelConfig.topP', 0, 1);
    if (config.maxTokens !== null && (!Number.isInteger(config.maxTokens) || config.maxTokens < 1)) {
      throw new BadUserInputError(`modelConfig.maxTokens must be a positive integer; got ${config.maxTokens}`, { field: 'modelConfig.maxTokens' });
    }
    if (config.stop.length > 16) throw new BadUserInputError(`modelConfig.stop has ${config.stop.length} sequences; the limit is 16`, { field: 'modelConfig.stop' });
    config.stop.forEach((stop, index) => checkText(stop, `modelConfig.stop[${index}]`, 256));
    checkText(config.systemPrompt, 'modelConfig.systemPrompt', MAX_TEMPLATE_LENGTH);
    if (config.fewShot.length > 200) throw new BadUserInputError(`modelConfig.fewShot has ${config.fewShot.length} examples; the limit is 200`, { field: 'modelConfig.fewShot' });
    config.fewShot.forEach((example, index) => {
      checkText(example.input, `modelConfig.fewShot[${index}].input`, MAX_TEMPLATE_LENGTH);
      checkText(example.output, `modelConfig.fewShot[${index}].output`, MAX_TEMPLATE_LENGTH);
    });
    return config;
  }

  /**
   * Points a label at a version and records the move. The label row is
   * upserted, so concurrent moves serialise on it and exactly one holder wins;
   * the history keeps every move in order.
   */
  async setLabel(name: string, label: string, number: number, actor: string | null = null): Promise<PromptVersionModel> {
    checkPromptName(name);
    checkLabel(label);
    if (label === 'latest') throw new BadUserInputError(`'latest' is reserved: it always means the highest version number`, { field: 'label' });
    return this.dataSource.transaction(async (manager) => {
      const version = await this.versionByNumber(manager, name, number);
      // Moves of one label queue on a transaction-scoped advisory lock, so each
      // move sees the one before it: exactly one holder, and a history whose
      // every "from" is the previous "to", even for concurrent first moves.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`prompt_label:${version.promptId}:${label}`]);
      const [previous]: Array<{ version_id: string }> = await manager.query(
        `SELECT version_id FROM prompt_label WHERE prompt_id = $1 AND label = $2`,
        [version.promptId, label],
      );
      if (previous?.version_id === version.id) return version;
      await manager.query(
        `INSERT INTO prompt_label (prompt_id, label, version_id) VALUES ($1, $2, $3)
         ON CONFLICT (prompt_id, label) DO UPDATE SET version_id = EXCLUDED.version_id, updated_at = now()`,
        [version.promptId, label, version.id],
      );
      await manager.query(
        `INSERT INTO prompt_label_event (prompt_id, label, from_version_id, to_version_id, moved_by) VALUES ($1, $2, $3, $4, $5)`,
        [version.promptId, label, previous?.version_id ?? null, version.id, actor],
      );
      return version;
    });
  }

  private async versionByNumber(manager: EntityManager, name: string, number: number): Promise<PromptVersionModel> {
    const rows: VersionRow[] = await manager.query(
      `SELECT ${VERSION_COLUMNS} FROM prompt_version v JOIN prompt p ON p.id = v.prompt_id WHERE p.name = $1 AND v.number = $2`,
      [name, number],
    );
    if (rows.length === 0) {
      const [prompt] = await manager.query(`SELECT version_count FROM prompt WHERE name = $1`, [name]);
      if (!prompt) throw new NotFoundError(`No prompt named '${name}'`, { name });
      throw new NotFoundError(`Prompt '${name}' has no version ${number} (it has ${prompt.version_count})`, { name, number });
    }
    return toVersion(rows[0]);
  }

  async promptsByName(names: readonly string[]): Promise<Array<PromptModel | null>> {
    const rows: PromptRow[] = await this.dataSource.query(`SELECT * FROM prompt WHERE name = ANY($1)`, [names]);
    const byName = new Map(rows.map((row) => [row.name, toPrompt(row)]));
    return names.map((name) => byName.get(name) ?? null);
  }

  async promptsById(ids: readonly string[]): Promise<Array<PromptModel | null>> {
    const rows: PromptRow[] = await this.dataSource.query(`SELECT * FROM prompt WHERE id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, toPrompt(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async versionsById(ids: readonly string[]): Promise<Array<PromptVersionModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: VersionRow[] = valid.length
      ? await this.dataSource.query(`SELECT ${VERSION_COLUMNS} FROM prompt_version v WHERE v.id = ANY($1::uuid[])`, [valid])
      : [];
    const byId = new Map(rows.map((row) => [row.id, toVersion(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Labels pointing at each version now, for a batch of version ids. */
  async labelsOfVersions(ids: readonly string[]): Promise<string[][]> {
    const rows: Array<{ version_id: string; label: string }> = await this.dataSource.query(
      `SELECT version_id, label FROM prompt_label WHERE version_id = ANY($1::uuid[]) ORDER BY label`,
      [ids],
    );
    const byVersion = new Map<string, string[]>();
    for (const row of rows) byVersion.set(row.version_id, [...(byVersion.get(row.version_id) ?? []), row.label]);
    return ids.map((id) => byVersion.get(id) ?? []);
  }

  async listPrompts(args: { first?: number | null; after?: string | null; namePrefix?: string | null }): Promise<Page<PromptModel>> {
    const size = checkPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 'after') : null;
    if (args.namePrefix != null) checkText(args.namePrefix, 'namePrefix', 128);
    const rows: PromptRow[] = await this.dataSource.query(
      `SELECT * FROM prompt
       WHERE ($1::text IS NULL OR name > $1)
         AND ($2::text IS NULL OR starts_with(name, $2))
       ORDER BY name COLLATE "C" LIMIT $3`,
      [after, args.namePrefix ?? null, size + 1],
    );
    return { items: rows.slice(0, size).map(toPrompt), hasNextPage: rows.length > size, cursorOf: (prompt) => encodeCursor(prompt.name) };
  }

  async listVersions(promptId: string, args: { first?: number | null; after?: string | null }): Promise<Page<PromptVersionModel>> {
    const size = checkPageSize(args.first);
    const after = args.after ? Number(decodeCursor(args.after, 'after')) : null;
    if (after !== null && !Number.isInteger(after)) throw new BadUserInputError('after is not a cursor of this list', { field: 'after' });
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM prompt_version v
       WHERE v.prompt_id = $1 AND ($2::int IS NULL OR v.number < $2)
       ORDER BY v.number DESC LIMIT $3`,
      [promptId, after, size + 1],
    );
    return {
      items: rows.slice(0, size).map(toVersion),
      hasNextPage: rows.length > size,
      cursorOf: (version) => encodeCursor(String(version.number)),
    };
  }

  async latestVersion(promptId: string): Promise<PromptVersionModel | null> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM prompt_version v WHERE v.prompt_id = $1 ORDER BY v.number DESC LIMIT 1`,
      [promptId],
    );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  /** One version by exactly one of number, hash (or a prefix of ≥ 6 hex) and label; null if none. */
  async findVersion(
    promptId: string,
    selector: { number?: number | null; hash?: string | null; label?: string | null },
  ): Promise<PromptVersionModel | null> {
    const given = (['number', 'hash', 'label'] as const).filter((key) => selector[key] != null);
    if (given.length !== 1) {
      throw new BadUserInputError(`Choose a version by exactly one of number, hash or label; got ${given.length ? given.join(' and ') : 'none'}`);
    }
    if (selector.number != null) {
      const rows: VersionRow[] = await this.dataSource.query(`SELECT ${VERSION_COLUMNS} FROM prompt_version v WHERE v.prompt_id = $1 AND v.number = $2`, [
        promptId,
        selector.number,
      ]);
      return rows[0] ? toVersion(rows[0]) : null;
    }
    if (selector.hash != null) {
      const hash = selector.hash.toLowerCase();
      if (!/^[0-9a-f]{6,64}$/.test(hash)) throw new BadUserInputError('hash must be 6 to 64 hex characters', { field: 'hash' });
      const rows: VersionRow[] = await this.dataSource.query(
        `SELECT ${VERSION_COLUMNS} FROM prompt_version v WHERE v.prompt_id = $1 AND starts_with(v.hash, $2) LIMIT 2`,
        [promptId, hash],
      );
      if (rows.length > 1) throw new BadUserInputError(`hash prefix '${hash}' matches several versions; give more characters`, { field: 'hash' });
      return rows[0] ? toVersion(rows[0]) : null;
    }
    const label = selector.label as string;
    if (label === 'latest') return this.latestVersion(promptId);
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM prompt_label l JOIN prompt_version v ON v.id = l.version_id WHERE l.prompt_id = $1 AND l.label = $2`,
      [promptId, label],
    );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  async labels(promptId: string): Promise<PromptLabelModel[]> {
    const rows: Array<{ prompt_id: string; label: string; version_id: string; updated_at: Date }> = await this.dataSource.query(
      `SELECT prompt_id, label, version_id, updated_at FROM prompt_label WHERE prompt_id = $1 ORDER BY label`,
      [promptId],
    );
    return rows.map((row) => ({ promptId: row.prompt_id, name: row.label, versionId: row.version_id, updatedAt: row.updated_at }));
  }

  async labelHistory(promptId: string, label: string | null | undefined, first: number | null | undefined): Promise<PromptLabelMoveModel[]> {
    const size = checkPageSize(first, 'first', 1000);
    const rows: Array<{ label: string; from_version_id: string | null; to_version_id: string; moved_at: Date; moved_by: string | null }> =
      await this.dataSource.query(
        `SELECT label, from_version_id, to_version_id, moved_at, moved_by FROM prompt_label_event
         WHERE prompt_id = $1 AND ($2::text IS NULL OR label = $2)
         ORDER BY id DESC LIMIT $3`,
        [promptId, label ?? null, size],
      );
    return rows.map((row) => ({
      label: row.label,
      fromVersionId: row.from_version_id,
      toVersionId: row.to_version_id,
      movedAt: row.moved_at,
      movedBy: row.moved_by,
    }));
  }

  async render(args: { name: string; label?: string | null; number?: number | null; variables: unknown }): Promise<RenderedPromptModel> {
    checkPromptName(args.name);
    if (args.label != null && args.number != null) {
      throw new BadUserInputError('Give label or number, not both', { field: 'label' });
    }
    if (typeof args.variables !== 'object' || args.variables === null || Array.isArray(args.variables)) {
      throw new BadUserInputError('variables must be a JSON object of name → value', { field: 'variables' });
    }
    const [prompt] = await this.promptsByName([args.name]);
    if (!prompt) throw new NotFoundError(`No prompt named '${args.name}'`, { name: args.name });
    const version =
      args.number != null
        ? await this.findVersion(prompt.id, { number: args.number })
        : await this.findVersion(prompt.id, { label: args.label ?? 'latest' });
    if (!version) {
      throw args.number != null
        ? new NotFoundError(`Prompt '${args.name}' has no version ${args.number}`, { name: args.name, number: args.number })
        : new NotFoundError(`Prompt '${args.name}' has no label '${args.label}'`, { name: args.name, label: args.label });
    }
    try {
      const text = renderTemplate(version.template, args.variables as Record<string, unknown>);
      return { text, version, systemPrompt: version.modelConfig.systemPrompt };
    } catch (error) {
      if (error instanceof TemplateError) {
        throw new BadUserInputError(
          `Missing variable${error.missingVariables.length > 1 ? 's' : ''} ${error.missingVariables.map((name) => `'${name}'`).join(', ')} for prompt '${args.name}' version ${version.number}`,
          { field: 'variables', missingVariables: error.missingVariables },
        );
      }
      throw error;
    }
  }

  async diff(prompt: PromptModel, from: number, to: number): Promise<PromptDiffModel> {
    const [a, b] = await Promise.all([this.findVersion(prompt.id, { number: from }), this.findVersion(prompt.id, { number: to })]);
    if (!a) throw new NotFoundError(`Prompt '${prompt.name}' has no version ${from}`, { name: prompt.name, number: from });
    if (!b) throw new NotFoundError(`Prompt '${prompt.name}' has no version ${to}`, { name: prompt.name, number: to });
    const templateDiff =
      a.template === b.template ? '' : createTwoFilesPatch(`${prompt.name}@${a.number}`, `${prompt.name}@${b.number}`, a.template, b.template, a.hash.slice(0, 12), b.hash.slice(0, 12));
    const modelConfigChanges = (Object.keys(a.modelConfig) as Array<keyof ModelConfig>)
      .filter((field) => JSON.stringify(a.modelConfig[field]) !== JSON.stringify(b.modelConfig[field]))
      .map((field) => ({ field: String(field), from: a.modelConfig[field] as unknown, to: b.modelConfig[field] as unknown }));
    return { from: a, to: b, templateDiff, modelConfigChanges };
  }
}
