// The experiment subgraph in-process against a real PostgreSQL (a fresh
// database of this file's own): federation entry points (`_entities`,
// `_service`) and the service's transactions and concurrency, below the gateway.
import { createDataSource } from '@flywheel/data';
import { createTestDatabase, type TestDatabase } from '@flywheel/data/testing';
import { createLogger } from '@flywheel/server';
import type { DataSource } from 'typeorm';
import { createExperimentSubgraph } from './server';

let database: TestDatabase;
let dataSource: DataSource;
let subgraph: ReturnType<typeof createExperimentSubgraph>;
let promptVersionId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 8 });
  await dataSource.initialize();
  subgraph = createExperimentSubgraph({ dataSource, logger: createLogger('experiment-test', 'silent') });
  // A prompt version to point variants at (the prompt subgraph's table, written here as test setup).
  const [prompt] = await dataSource.query(`INSERT INTO prompt (name, version_count) VALUES ('exp-test', 1) RETURNING id`);
  const [version] = await dataSource.query(
    `INSERT INTO prompt_version (prompt_id, number, hash, template, variables, model_config) VALUES ($1, 1, $2, 'Summarize: {text}', '{text}', '{}') RETURNING id`,
    [prompt.id, 'a'.repeat(64)],
  );
  promptVersionId = version.id;
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

const twoVariants = (prefix = '') => [
  { key: `${prefix}A`, promptVersionId: null as string | null },
  { key: `${prefix}B` },
];

describe('experiment subgraph (in-process)', () => {
  it('resolves Experiment and PromptVersion entities by key, null for unknown experiments', async () => {
    const experiment = await subgraph.experiments.create({
      name: 'entities',
      variants: [{ key: 'A', promptVersionId }, { key: 'B', weight: 3 }],
    });
    const result = await execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Experiment { id name status variants { key weight promptVersion { id } } }
        ... on PromptVersion { id experiments { name } }
      } }`,
      {
        representations: [
          { __typename: 'Experiment', id: experiment.id },
          { __typename: 'PromptVersion', id: promptVersionId },
          { __typename: 'Experiment', id: '00000000-0000-0000-0000-000000000000' },
          { __typename: 'Experiment', id: 'not-a-uuid' },
          { __typename: 'PromptVersion', id: '00000000-0000-0000-0000-000000000000' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      {
        id: experiment.id,
        name: 'entities',
        status: 'DRAFT',
        variants: [
          { key: 'A', weight: 0.25, promptVersion: { id: promptVersionId } },
          { key: 'B', weight: 0.75, promptVersion: null },
        ],
      },
      { id: promptVersionId, experiments: [{ name: 'entities' }] },
      null,
      null,
      { id: '00000000-0000-0000-0000-000000000000', experiments: [] },
    ]);
  });

  it('publishes its federated SDL with the @key directives and the ModelVersion stub', async () => {
    const result = await execute('{ _service { sdl } }');
    const sdl = (result.data?._service as { sdl: string }).sdl;
    expect(sdl).toMatch(/type Experiment\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type PromptVersion\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type ModelVersion\s+@key\(fields: "id", resolvable: false\)/);
  });

  it('rolls back the whole creation when a write fails, leaving no experiment row behind', async () => {
    // A config PostgreSQL rejects only at insert time (a lone surrogate is invalid in jsonb).
    await expect(
      subgraph.experiments.create({ name: 'rollback', variants: [{ key: 'A' }, { key: 'B', config: { bad: '\ud800' } }] }),
    ).rejects.toThrow();
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM experiment WHERE name = 'rollback'`);
    expect(row.n).toBe(0);
  });

  it('refuses to rewrite lifecycle history at the database', async () => {
    const experiment = await subgraph.experiments.create({ name: 'history', variants: twoVariants() });
    await subgraph.experiments.transition(experiment.id, 'start');
    await expect(dataSource.query(`DELETE FROM experiment_event`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`UPDATE experiment_event SET actor = 'x'`)).rejects.toThrow(/append-only/);
    expect((await subgraph.experiments.history(experiment.id)).map((event) => event.action)).toEqual(['CREATED', 'STARTED']);
  });

  it('records each unit once when overlapping batches are assigned concurrently (sorted inserts: no deadlock)', async () => {
    const experiment = await subgraph.experiments.create({ name: 'concurrent-batches', variants: twoVariants() });
    await subgraph.experiments.transition(experiment.id, 'start');
    const ids = Array.from({ length: 2000 }, (_, i) => `u${i}`);
    // Eight batches over the same ids in different orders, at once.
    const batches = Array.from({ length: 8 }, (_, k) => (k % 2 ? [...ids].reverse() : ids.slice(k * 100).concat(ids.slice(0, k * 100))));
    const results = await Promise.all(batches.map((batch) => subgraph.experiments.assignBatch('concurrent-batches', batch)));
    const [row] = await dataSource.query(`SELECT count(*)::int AS n, count(DISTINCT unit_id)::int AS d FROM experiment_exposure WHERE experiment_id = $1`, [experiment.id]);
    expect(row).toEqual({ n: 2000, d: 2000 });
    // Every batch agrees on every unit's variant, and the recorded exposure is that variant.
    const byUnit = new Map(results[0].map((assignment) => [assignment?.unitId, assignment?.variant]));
    expect(byUnit.size).toBe(2000);
    for (const result of results) for (const assignment of result) expect(byUnit.get(assignment?.unitId)).toBe(assignment?.variant);
    const recorded: Array<{ unit_id: string; variant_key: string }> = await dataSource.query(
      `SELECT unit_id, variant_key FROM experiment_exposure WHERE experiment_id = $1`,
      [experiment.id],
    );
    for (const exposure of recorded) expect(exposure.variant_key).toBe(byUnit.get(exposure.unit_id));
  });

  it('lets exactly one of two overlapping experiments of a layer start when both start at once', async () => {
    const a = await subgraph.experiments.create({ name: 'layer-race-a', variants: twoVariants(), layer: { name: 'race', start: 0, end: 0.6 } });
    const b = await subgraph.experiments.create({ name: 'layer-race-b', variants: twoVariants(), layer: { name: 'race', start: 0.5, end: 1 } });
    const outcomes = await Promise.allSettled([subgraph.experiments.transition(a.id, 'start'), subgraph.experiments.transition(b.id, 'start')]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.extensions.code).toBe('CONFLICT');
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM experiment WHERE layer_name = 'race' AND status = 'RUNNING'`);
    expect(row.n).toBe(1);
  });

  it('serialises concurrent lifecycle moves on the row: one start succeeds, the others are illegal transitions', async () => {
    const experiment = await subgraph.experiments.create({ name: 'start-race', variants: twoVariants() });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => subgraph.experiments.transition(experiment.id, 'start')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(outcome.reason.extensions.code).toBe('BAD_USER_INPUT');
    }
    expect((await subgraph.experiments.history(experiment.id)).filter((event) => event.action === 'STARTED')).toHaveLength(1);
  });

  it('maps a rename onto a taken name to CONFLICT and changes nothing', async () => {
    await subgraph.experiments.create({ name: 'taken', variants: twoVariants() });
    const other = await subgraph.experiments.create({ name: 'renamer', variants: twoVariants() });
    await expect(subgraph.experiments.update(other.id, { name: 'taken' })).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const [found] = await subgraph.experiments.experimentsById([other.id]);
    expect(found?.name).toBe('renamer');
  });
});
