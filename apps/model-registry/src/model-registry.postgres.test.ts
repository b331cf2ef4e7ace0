// The model-registry subgraph in-process against a real PostgreSQL (a fresh
// database of this file's own): federation entry points (`_entities`,
// `_service`) and the services' transactions and locks, below the gateway.
import { createDataSource } from '@flywheel/data';
import { createTestDatabase, type TestDatabase } from '@flywheel/data/testing';
import { ConflictError, createLogger } from '@flywheel/server';
import type { DataSource } from 'typeorm';
import { createModelRegistrySubgraph } from './server';

let database: TestDatabase;
let dataSource: DataSource;
let subgraph: ReturnType<typeof createModelRegistrySubgraph>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 8 });
  await dataSource.initialize();
  subgraph = createModelRegistrySubgraph({ dataSource, logger: createLogger('model-registry-test', 'silent') });
});

afterAll(async () => {
  await subgraph.apollo.stop();
  await dataSource.destroy();
  await database.drop();
});

async function execute(query: string, variables: Record<string, unknown> = {}) {
  const contextValue = await subgraph.context({ requestId: 'test' });
  const response = await subgraph.apollo.executeOperation({ query, variables }, { contextValue });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

const count = async (sql: string, params: unknown[] = []) => (await dataSource.query(sql, params))[0].n as number;

describe('model-registry subgraph (in-process)', () => {
  it('resolves RegisteredModel, ModelVersion and Run entities by key, null for unknown keys, in one batch', async () => {
    const run = await subgraph.runs.createRun({ project: 'entities', name: 'r1' });
    await subgraph.registry.createModel({ name: 'entities-model', description: 'd' });
    const version = await subgraph.registry.createVersion({ modelName: 'entities-model', source: 'openai:gpt-4o-mini', runId: run.id });
    const result = await execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on RegisteredModel { name description latestVersion { version } }
        ... on ModelVersion { id version source model { name } run { id } }
        ... on Run { id runName: name project modelVersions { version } }
      } }`,
      {
        representations: [
          { __typename: 'RegisteredModel', name: 'entities-model' },
          { __typename: 'ModelVersion', id: version.id },
          { __typename: 'Run', id: run.id },
          { __typename: 'RegisteredModel', name: 'missing' },
          { __typename: 'ModelVersion', id: '00000000-0000-0000-0000-000000000000' },
          { __typename: 'Run', id: 'not-a-uuid' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { name: 'entities-model', description: 'd', latestVersion: { version: 1 } },
      { id: version.id, version: 1, source: 'openai:gpt-4o-mini', model: { name: 'entities-model' }, run: { id: run.id } },
      { id: run.id, runName: 'r1', project: 'entities', modelVersions: [{ version: 1 }] },
      null,
      null,
      null,
    ]);
  });

  it('publishes its federated SDL with the @key directives and the foreign entity stubs', async () => {
    const result = await execute('{ _service { sdl } }');
    const sdl = (result.data?._service as { sdl: string }).sdl;
    expect(sdl).toMatch(/type RegisteredModel\s+@key\(fields: "name"\)/);
    expect(sdl).toMatch(/type ModelVersion\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Run\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type PromptVersion\s+@key\(fields: "id", resolvable: false\)/);
    expect(sdl).toMatch(/type Experiment\s+@key\(fields: "id", resolvable: false\)/);
  });

  it('numbers 20 concurrent versions 1..20 and keeps version_count equal to the highest', async () => {
    await subgraph.registry.createModel({ name: 'concurrent-versions' });
    const versions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => subgraph.registry.createVersion({ modelName: 'concurrent-versions', source: `s3://weights/${i}` })),
    );
    expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await count(`SELECT version_count AS n FROM registered_model WHERE name = 'concurrent-versions'`)).toBe(20);
  });

  it('refuses to rewrite the registry history at the database', async () => {
    await subgraph.registry.createModel({ name: 'history-guard' });
    await subgraph.registry.createVersion({ modelName: 'history-guard', source: 'x' });
    await subgraph.registry.setAlias('history-guard', 'champion', 1);
    await expect(dataSource.query(`DELETE FROM model_registry_event`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`UPDATE model_registry_event SET alias = 'x'`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`TRUNCATE model_registry_event`)).rejects.toThrow(/append-only/);
  });

  it('keeps exactly one of 12 concurrent different values of a param, and the others are CONFLICTs', async () => {
    const run = await subgraph.runs.createRun({ project: 'params' });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => subgraph.runs.logParam(run.id, 'temperature', String(i / 10))));
    const won = results.filter((r) => r.status === 'fulfilled') as Array<PromiseFulfilledResult<{ value: string }>>;
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    expect(lost.every((r) => r.reason instanceof ConflictError)).toBe(true);
    const rows = await dataSource.query(`SELECT value FROM run_param WHERE run_id = $1`, [run.id]);
    expect(rows).toEqual([{ value: won[0].value.value }]);
  });

  it('lands no metric after endRun: every accepted point is stored, every other one is a CONFLICT', async () => {
    const run = await subgraph.runs.createRun({ project: 'ending' });
    const logs = Array.from({ length: 30 }, (_, i) => subgraph.runs.logMetric(run.id, { key: 'loss', value: i, step: i }));
    const end = subgraph.runs.endRun(run.id, 'FINISHED');
    const results = await Promise.allSettled([...logs, end]);
    expect(results[30].status).toBe('fulfilled');
    const accepted = results.slice(0, 30).filter((r) => r.status === 'fulfilled').length;
    const refused = results.slice(0, 30).filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError).length;
    expect(accepted + refused).toBe(30);
    expect(await count(`SELECT count(*)::int AS n FROM run_metric WHERE run_id = $1`, [run.id])).toBe(accepted);
    const [ended] = await dataSource.query(`SELECT ended_at FROM run WHERE id = $1`, [run.id]);
    const [last] = await dataSource.query(`SELECT max(timestamp) AS t FROM run_metric WHERE run_id = $1`, [run.id]);
    if (last.t) expect(new Date(last.t).getTime()).toBeLessThanOrEqual(new Date(ended.ended_at).getTime());
  });

  it('rolls back a whole logBatch when one param conflicts: no metric or tag of it is stored', async () => {
    const run = await subgraph.runs.createRun({ project: 'batch-rollback' });
    await subgraph.runs.logParam(run.id, 'model', 'gpt-4o-mini');
    await expect(
      subgraph.runs.logBatch(run.id, {
        params: [
          { key: 'temperature', value: '0.7' },
          { key: 'model', value: 'gpt-4o' },
        ],
        metrics: [{ key: 'mean_rating', value: 4.2 }],
        tags: [{ key: 'team', value: 'search' }],
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await count(`SELECT count(*)::int AS n FROM run_param WHERE run_id = $1`, [run.id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM run_metric WHERE run_id = $1`, [run.id])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM run_tag WHERE run_id = $1`, [run.id])).toBe(0);
  });

  it('archives the current holders and records every transition in one transaction', async () => {
    await subgraph.registry.createModel({ name: 'stages' });
    for (let i = 0; i < 3; i += 1) await subgraph.registry.createVersion({ modelName: 'stages', source: `v${i}` });
    await subgraph.registry.transitionStage('stages', 1, 'PRODUCTION', false);
    await subgraph.registry.transitionStage('stages', 2, 'PRODUCTION', false);
    await subgraph.registry.transitionStage('stages', 3, 'PRODUCTION', true);
    const stages = await dataSource.query(
      `SELECT v.version, v.stage FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = 'stages' ORDER BY v.version`,
    );
    expect(stages).toEqual([
      { version: 1, stage: 'ARCHIVED' },
      { version: 2, stage: 'ARCHIVED' },
      { version: 3, stage: 'PRODUCTION' },
    ]);
    const events = await dataSource.query(
      `SELECT v.version, e.from_stage, e.to_stage FROM model_registry_event e JOIN model_version v ON v.id = e.version_id
       JOIN registered_model m ON m.id = e.model_id WHERE m.name = 'stages' ORDER BY e.id`,
    );
    expect(events).toEqual([
      { version: 1, from_stage: 'NONE', to_stage: 'PRODUCTION' },
      { version: 2, from_stage: 'NONE', to_stage: 'PRODUCTION' },
      { version: 1, from_stage: 'PRODUCTION', to_stage: 'ARCHIVED' },
      { version: 2, from_stage: 'PRODUCTION', to_stage: 'ARCHIVED' },
      { version: 3, from_stage: 'NONE', to_stage: 'PRODUCTION' },
    ]);
  });

  it('keeps one holder and a chained history under 10 concurrent alias moves', async () => {
    await subgraph.registry.createModel({ name: 'alias-race' });
    for (let i = 0; i < 5; i += 1) await subgraph.registry.createVersion({ modelName: 'alias-race', source: `v${i}` });
    await Promise.all(Array.from({ length: 10 }, (_, i) => subgraph.registry.setAlias('alias-race', 'champion', (i % 5) + 1)));
    const events: Array<{ version_id: string; previous_version_id: string | null }> = await dataSource.query(
      `SELECT e.version_id, e.previous_version_id FROM model_registry_event e JOIN registered_model m ON m.id = e.model_id
       WHERE m.name = 'alias-race' ORDER BY e.id`,
    );
    expect(events[0].previous_version_id).toBeNull();
    for (let i = 1; i < events.length; i += 1) expect(events[i].previous_version_id).toBe(events[i - 1].version_id);
    const [holder] = await dataSource.query(`SELECT a.version_id FROM model_alias a JOIN registered_model m ON m.id = a.model_id WHERE m.name = 'alias-race'`);
    expect(holder.version_id).toBe(events[events.length - 1].version_id);
  });

  it('links model versions and runs to dataset versions that exist (lineage), and refuses others before writing', async () => {
    // A dataset version, written as the feedback subgraph would (this subgraph only reads the table).
    const [dataset] = await dataSource.query(`INSERT INTO dataset (name) VALUES ('lineage') RETURNING id`);
    const [datasetVersion] = await dataSource.query(
      `INSERT INTO dataset_version (dataset_id, version, hash, filter) VALUES ($1, 1, repeat('0', 64), '{}') RETURNING id`,
      [dataset.id],
    );
    await subgraph.registry.createModel({ name: 'lineage-model' });
    const version = await subgraph.registry.createVersion({ modelName: 'lineage-model', source: 's', datasetVersionId: datasetVersion.id });
    const run = await subgraph.runs.createRun({ project: 'lineage', datasetVersionId: datasetVersion.id });
    const result = await execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on ModelVersion { datasetVersionId trainedOn { __typename id } }
        ... on Run { datasetVersionId dataset { __typename id } }
      } }`,
      { representations: [{ __typename: 'ModelVersion', id: version.id }, { __typename: 'Run', id: run.id }] },
    );
    expect(result.errors).toBeUndefined();
    const stub = { __typename: 'DatasetVersion', id: datasetVersion.id };
    expect(result.data?._entities).toEqual([
      { datasetVersionId: datasetVersion.id, trainedOn: stub },
      { datasetVersionId: datasetVersion.id, dataset: stub },
    ]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(subgraph.registry.createVersion({ modelName: 'lineage-model', source: 's', datasetVersionId: unknown })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'datasetVersionId' },
    });
    await expect(subgraph.runs.createRun({ project: 'lineage', datasetVersionId: unknown })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'datasetVersionId' },
    });
    expect(await count(`SELECT count(*)::int AS n FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = 'lineage-model'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM run WHERE project = 'lineage'`)).toBe(1);
    // The foreign key stands behind the check.
    await expect(dataSource.query(`UPDATE run SET dataset_version_id = $1 WHERE id = $2`, [unknown, run.id])).rejects.toThrow(/foreign key/);
  });
});
