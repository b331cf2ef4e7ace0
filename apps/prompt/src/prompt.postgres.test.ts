// The prompt subgraph in-process against a real PostgreSQL (a fresh database
// of this file's own): federation entry points (`_entities`, `_service`) and the
// service's transactions, below the gateway.
import { createDataSource } from '@flywheel/data';
import { createTestDatabase, type TestDatabase } from '@flywheel/data/testing';
import { createLogger } from '@flywheel/server';
import type { DataSource } from 'typeorm';
import { createPromptSubgraph } from './server';

let database: TestDatabase;
let dataSource: DataSource;
let subgraph: ReturnType<typeof createPromptSubgraph>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 4 });
  await dataSource.initialize();
  subgraph = createPromptSubgraph({ dataSource, logger: createLogger('prompt-test', 'silent') });
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

describe('prompt subgraph (in-process)', () => {
  it('resolves PromptVersion and Prompt entities by key, null for unknown keys, in one batch', async () => {
    const { version } = await subgraph.prompts.register({ name: 'entities', template: 'Hello {who}' });
    const result = await execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on PromptVersion { id number template prompt { name } }
        ... on Prompt { name latest { number } }
      } }`,
      {
        representations: [
          { __typename: 'PromptVersion', id: version.id },
          { __typename: 'Prompt', name: 'entities' },
          { __typename: 'PromptVersion', id: '00000000-0000-0000-0000-000000000000' },
          { __typename: 'PromptVersion', id: 'not-a-uuid' },
          { __typename: 'Prompt', name: 'missing' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id: version.id, number: 1, template: 'Hello {who}', prompt: { name: 'entities' } },
      { name: 'entities', latest: { number: 1 } },
      null,
      null,
      null,
    ]);
  });

  it('publishes its federated SDL with the @key directives', async () => {
    const result = await execute('{ _service { sdl } }');
    const sdl = (result.data?._service as { sdl: string }).sdl;
    expect(sdl).toMatch(/type Prompt\s+@key\(fields: "name"\)/);
    expect(sdl).toMatch(/type PromptVersion\s+@key\(fields: "id"\)/);
  });

  it('rolls back the whole registration when a write fails, leaving no prompt row behind', async () => {
    // A metadata value PostgreSQL rejects only at insert time (a lone surrogate is invalid in jsonb).
    await expect(subgraph.prompts.register({ name: 'rollback', template: 't', metadata: { bad: '\ud800' } })).rejects.toThrow();
    const rows = await dataSource.query(`SELECT count(*)::int AS n FROM prompt WHERE name = 'rollback'`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses to rewrite label history at the database', async () => {
    await subgraph.prompts.register({ name: 'history', template: 'v1' });
    await subgraph.prompts.setLabel('history', 'production', 1);
    await expect(dataSource.query(`DELETE FROM prompt_label_event`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`UPDATE prompt_label_event SET label = 'x'`)).rejects.toThrow(/append-only/);
  });
});
