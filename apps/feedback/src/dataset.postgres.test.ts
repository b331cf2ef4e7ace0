// The data flywheel in-process against a real PostgreSQL (a fresh database of
// this file's own): snapshots and their immutability, the content hash against
// an independent reference, gap-free version numbers under concurrency,
// deterministic sampling, edits as new versions, the export formats line by
// line, lineage to the model registry's rows, and a streamed export of 100 000
// items with bounded memory, through the download route over HTTP.
// Experiments, prompt versions and model versions are rows written straight
// into their modules' tables (test setup: this subgraph only reads them).
import type { AddressInfo } from 'node:net';
import { contentHash, md5Hex, normaliseModelConfig, promptVersionHash } from '@flywheel/core';
import { createDataSource } from '@flywheel/data';
import { createTestDatabase, type TestDatabase } from '@flywheel/data/testing';
import { createLogger, signPrincipal, startHttpServer, type RunningHttpServer } from '@flywheel/server';
import type { DataSource } from 'typeorm';
import type { DatasetItemModel } from './models';
import { createFeedbackSubgraph } from './server';
import { itemContent, ItemListHasher } from './services/dataset-content';

let database: TestDatabase;
let dataSource: DataSource;
let subgraph: ReturnType<typeof createFeedbackSubgraph>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 12 });
  await dataSource.initialize();
  subgraph = createFeedbackSubgraph({ dataSource, logger: createLogger('dataset-test', 'silent') });
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const result = await execute(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}`;

/** An experiment with variants A and B, written as the experiment subgraph would. */
async function createExperiment(): Promise<string> {
  const name = uniqueName('ds-exp');
  const [experiment] = await dataSource.query(`INSERT INTO experiment (name, salt, status, started_at) VALUES ($1, $1, 'RUNNING', now()) RETURNING id`, [name]);
  await dataSource.query(
    `INSERT INTO experiment_variant (experiment_id, key, position, weight) VALUES ($1, 'A', 0, 0.5), ($1, 'B', 1, 0.5)`,
    [experiment.id],
  );
  return experiment.id;
}

/** A prompt version, written as the prompt subgraph would. */
async function createPromptVersion(template: string, modelConfig: Parameters<typeof normaliseModelConfig>[0]): Promise<{ id: string; hash: string }> {
  const config = normaliseModelConfig(modelConfig);
  const hash = promptVersionHash(template, config);
  const [prompt] = await dataSource.query(`INSERT INTO prompt (name, version_count) VALUES ($1, 1) RETURNING id`, [uniqueName('ds-prompt')]);
  const [version] = await dataSource.query(
    `INSERT INTO prompt_version (prompt_id, number, hash, template, variables, model_config) VALUES ($1, 1, $2, $3, '{}', $4) RETURNING id`,
    [prompt.id, hash, template, JSON.stringify(config)],
  );
  return { id: version.id, hash };
}

const CREATE = `mutation($input: CreateDatasetInput!) {
  createDataset(input: $input) { id version hash shortHash itemCount filter dataset { name description versionCount } parent { id } }
}`;
const ITEMS = `query($id: ID!, $offset: Int, $limit: Int) { datasetVersion(id: $id) { id version hash itemCount items(offset: $offset, limit: $limit) {
  id key position requestId input output expectedOutput feedbackIds promptVersionId promptVersionHash modelVersionId experimentId variant
  feedback { n meanRating minRating maxRating thumbsUp thumbsDown meanScore texts sources }
} } }`;
const EDIT = `mutation($itemId: ID!, $text: String!) { setDatasetItemExpectedOutput(itemId: $itemId, expectedOutput: $text) { id version hash itemCount parent { id } change } }`;
const EXPORT = `query($id: ID!, $format: DatasetExportFormat!) { exportDataset(id: $id, format: $format) }`;

async function itemsOf(id: string, limit = 1000): Promise<DatasetItemModel[]> {
  return (await ok(ITEMS, { id, limit })).datasetVersion.items;
}

/** The hash recomputed over items read back through the API, with libs/core's contentHash. */
const recomputedHash = (items: DatasetItemModel[]) => contentHash(items.map(itemContent));

describe('the content hash', () => {
  // Items and expected values: apps/feedback/src/__fixtures__/dataset-hash-vector.py
  // (Python 3.11 hashlib.sha256 over json.dumps(items, sort_keys=True, separators=(',', ':'), ensure_ascii=False)).
  const items = [
    {
      key: '11111111-1111-4111-8111-111111111111',
      requestId: 'req-1',
      input: { text: 'Flywheels store energy.', lang: 'en' },
      output: 'Short.',
      expectedOutput: null,
      feedback: { n: 2, meanRating: 1.5, minRating: 1, maxRating: 2, thumbsUp: 0, thumbsDown: 1, meanScore: null, texts: ['too short', 'wrong'], sources: ['ANNOTATOR', 'USER'] },
      feedbackIds: ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'],
      promptVersionId: '22222222-2222-4222-8222-222222222222',
      promptVersionHash: `31616d829d61${'0'.repeat(52)}`,
      modelVersionId: null,
      experimentId: '33333333-3333-4333-8333-333333333333',
      variant: 'B',
    },
    {
      key: '44444444-4444-4444-8444-444444444444',
      requestId: 'req-2',
      input: 'Ünïcode input ✓',
      output: 'a\nb "quoted"',
      expectedOutput: 'corrected',
      feedback: { n: 1, meanRating: 2, minRating: 2, maxRating: 2, thumbsUp: 0, thumbsDown: 0, meanScore: 0.25, texts: [], sources: ['USER'] },
      feedbackIds: ['cccccccc-cccc-4ccc-8ccc-cccccccccccc'],
      promptVersionId: null,
      promptVersionHash: null,
      modelVersionId: '55555555-5555-4555-8555-555555555555',
      experimentId: null,
      variant: null,
    },
  ];

  it('matches the Python reference, fed one item at a time or as a whole list', () => {
    const hasher = new ItemListHasher();
    for (const item of items) hasher.add(itemContent({ ...item, id: 'x', datasetVersionId: 'y', position: 1 } as DatasetItemModel));
    expect(hasher.digest()).toBe('3a13e1a8efcd04ba4048da3dbdd4c4087092d8e8cef158dd1abfb0ebde93f8c2');
    // Key order does not matter (canonical JSON), and the streaming hasher is libs/core's contentHash.
    expect(contentHash([...items].map((item) => Object.fromEntries(Object.entries(item).reverse())))).toBe('3a13e1a8efcd04ba4048da3dbdd4c4087092d8e8cef158dd1abfb0ebde93f8c2');
    expect(new ItemListHasher().digest()).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });
});

describe('snapshots', () => {
  let experimentId: string;
  let prompt: { id: string; hash: string };
  const requests: string[] = [];

  beforeAll(async () => {
    experimentId = await createExperiment();
    prompt = await createPromptVersion('Summarize: {text}', { systemPrompt: 'You are concise.' });
    // Six interactions: ratings 1, 2, 5 on A; 1, 2 on B (with a text on one); one without feedback.
    const ratings: Array<[string, number | null, string | null]> = [
      ['A', 1, 'too long'],
      ['A', 2, null],
      ['A', 5, null],
      ['B', 1, null],
      ['B', 2, 'missed the point'],
      ['B', null, null],
    ];
    for (const [i, [variant, rating, text]] of ratings.entries()) {
      const requestId = uniqueName('snap-req');
      requests.push(requestId);
      await subgraph.feedback.logInteraction({ requestId, experimentId, variant, promptVersionId: prompt.id, input: { text: `document ${i}` }, output: `summary ${i}` });
      if (rating !== null) {
        await subgraph.feedback.logFeedback({ requestId, experimentId, variant, rating, feedbackText: text });
        // A second source on the first interaction: a judge's score and thumbs down.
        if (i === 0) await subgraph.feedback.logFeedback({ requestId, experimentId, variant, score: 0.2, thumbs: false, source: 'LLM_JUDGE' });
      }
    }
  });

  it('copies the matching interactions with their feedback and provenance, hashed canonically', async () => {
    const name = uniqueName('low-rated');
    const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const { createDataset: v1 } = await ok(CREATE, { input: { name, description: 'low ratings', filter: { experimentId, maxRating: 2, since } } });
    expect(v1).toMatchObject({ version: 1, itemCount: 4, dataset: { name, description: 'low ratings', versionCount: 1 }, parent: null });
    expect(v1.filter).toEqual({ experimentId, maxRating: 2, since });
    expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(v1.shortHash).toBe(v1.hash.slice(0, 12));
    const items = await itemsOf(v1.id);
    expect(items.map((item) => item.requestId)).toEqual([requests[0], requests[1], requests[3], requests[4]]);
    expect(items.map((item) => item.position)).toEqual([1, 2, 3, 4]);
    const [first] = items;
    const [interaction] = await dataSource.query(`SELECT id FROM interaction WHERE request_id = $1`, [requests[0]]);
    const feedbackIds = (await dataSource.query(`SELECT id FROM feedback WHERE request_id = $1 AND rating IS NOT NULL`, [requests[0]])).map((row: { id: string }) => row.id);
    expect(first).toMatchObject({
      key: interaction.id,
      input: { text: 'document 0' },
      output: 'summary 0',
      expectedOutput: null,
      promptVersionId: prompt.id,
      promptVersionHash: prompt.hash,
      modelVersionId: null,
      experimentId,
      variant: 'A',
      feedbackIds,
      // Only the feedback rows that match the filter (the judge's has no rating): the summary says why it is here.
      feedback: { n: 1, meanRating: 1, minRating: 1, maxRating: 1, thumbsUp: 0, thumbsDown: 0, meanScore: null, texts: ['too long'], sources: ['USER'] },
    });
    expect(items[3].feedback.texts).toEqual(['missed the point']);
    expect(v1.hash).toBe(recomputedHash(items));

    // Without feedback conditions every interaction of the experiment counts, with all its feedback.
    const { createDataset: all } = await ok(CREATE, { input: { name: uniqueName('all'), filter: { experimentId } } });
    expect(all.itemCount).toBe(6);
    const allItems = await itemsOf(all.id);
    expect(allItems[0].feedback).toMatchObject({ n: 2, meanRating: 1, thumbsDown: 1, meanScore: 0.2, sources: ['LLM_JUDGE', 'USER'] });
    expect(allItems[5].feedback).toMatchObject({ n: 0, meanRating: null, texts: [], sources: [] });
    // Other conditions: variant, thumbs, source, text, time, prompt version.
    const count = async (filter: Record<string, unknown>) => (await ok(CREATE, { input: { name: uniqueName('count'), filter } })).createDataset.itemCount;
    expect(await count({ experimentId, variant: 'B' })).toBe(3);
    expect(await count({ experimentId, thumbs: false })).toBe(1);
    expect(await count({ experimentId, source: 'LLM_JUDGE' })).toBe(1);
    expect(await count({ experimentId, hasFeedbackText: true })).toBe(2);
    expect(await count({ experimentId, minRating: 5 })).toBe(1);
    expect(await count({ experimentId, until: since })).toBe(0);
    expect(await count({ promptVersionId: prompt.id, minRating: 2, maxRating: 2 })).toBe(2);
  });

  it('gives the same items the same hash, and never changes a version afterwards', async () => {
    const name = uniqueName('stable');
    const { createDataset: v1 } = await ok(CREATE, { input: { name, filter: { experimentId, maxRating: 2 } } });
    const before = await itemsOf(v1.id);
    const { createDataset: v2 } = await ok(CREATE, { input: { name, filter: { experimentId, maxRating: 2 } } });
    expect(v2).toMatchObject({ version: 2, itemCount: v1.itemCount, hash: v1.hash });
    expect(v2.id).not.toBe(v1.id);
    // The same items under another dataset name hash the same too: the hash is over content, not ids.
    expect((await ok(CREATE, { input: { name: uniqueName('copy'), filter: { experimentId, maxRating: 2 } } })).createDataset.hash).toBe(v1.hash);

    // Later data changes a new snapshot, never an old one.
    await subgraph.feedback.logFeedback({ requestId: requests[2], experimentId, variant: 'A', rating: 1, idempotencyKey: uniqueName('late') });
    await dataSource.query(`UPDATE interaction SET output = 'rewritten' WHERE request_id = $1`, [requests[0]]);
    const { createDataset: v3 } = await ok(CREATE, { input: { name, filter: { experimentId, maxRating: 2 } } });
    expect(v3.itemCount).toBe(v1.itemCount + 1);
    expect(v3.hash).not.toBe(v1.hash);
    expect((await itemsOf(v3.id))[0].output).toBe('rewritten');
    const after = await ok(ITEMS, { id: v1.id, limit: 1000 });
    expect(after.datasetVersion).toMatchObject({ hash: v1.hash, itemCount: v1.itemCount });
    expect(after.datasetVersion.items).toEqual(before);
    await dataSource.query(`UPDATE interaction SET output = 'summary 0' WHERE request_id = $1`, [requests[0]]);

    // The database refuses to change or delete a committed version or item.
    await expect(dataSource.query(`UPDATE dataset_item SET output = 'x' WHERE dataset_version_id = $1`, [v1.id])).rejects.toThrow(/immutable/);
    await expect(dataSource.query(`DELETE FROM dataset_item WHERE dataset_version_id = $1`, [v1.id])).rejects.toThrow(/immutable/);
    await expect(dataSource.query(`UPDATE dataset_version SET item_count = 0 WHERE id = $1`, [v1.id])).rejects.toThrow(/immutable/);
  });

  it('edits an item into a new version; the old one is unchanged and items are found again by key', async () => {
    const name = uniqueName('edits');
    const { createDataset: v1 } = await ok(CREATE, { input: { name, filter: { experimentId, maxRating: 2 } } });
    const items1 = await itemsOf(v1.id);
    const { setDatasetItemExpectedOutput: v2 } = await ok(EDIT, { itemId: items1[1].id, text: 'A corrected summary.' });
    expect(v2).toMatchObject({ version: 2, itemCount: v1.itemCount, parent: { id: v1.id }, change: { setExpectedOutput: { key: items1[1].key } } });
    const items2 = await itemsOf(v2.id);
    expect(items2.map((item) => item.key)).toEqual(items1.map((item) => item.key));
    expect(items2.every((item, i) => item.id !== items1[i].id)).toBe(true);
    expect(items2.map((item) => item.expectedOutput)).toEqual(items1.map((_, i) => (i === 1 ? 'A corrected summary.' : null)));
    expect(v2.hash).toBe(recomputedHash(items2));
    expect(v2.hash).not.toBe(v1.hash);
    // The second correction goes on the new version's copy of the item, found by key.
    const second = items2.find((item) => item.key === items1[2].key) as DatasetItemModel;
    const { setDatasetItemExpectedOutput: v3 } = await ok(EDIT, { itemId: second.id, text: 'Another correction.' });
    expect(v3).toMatchObject({ version: 3, parent: { id: v2.id } });
    expect((await itemsOf(v3.id)).map((item) => item.expectedOutput)).toEqual(items1.map((_, i) => [null, 'A corrected summary.', 'Another correction.'][i] ?? null));
    // v1 is as it was.
    expect(await itemsOf(v1.id)).toEqual(items1);
    expect((await ok(ITEMS, { id: v1.id })).datasetVersion.hash).toBe(v1.hash);
    // The same value again is a no-op that returns the item's version.
    expect((await ok(EDIT, { itemId: second.id, text: 'A corrected summary.' })).setDatasetItemExpectedOutput.version).toBe(4);
    const again = await ok(EDIT, { itemId: (await itemsOf(v3.id))[2].id, text: 'Another correction.' });
    expect(again.setDatasetItemExpectedOutput).toMatchObject({ id: v3.id, version: 3 });
    // Bad input and unknown items write nothing.
    for (const [itemId, text, code, field] of [
      [items1[0].id, '   ', 'BAD_USER_INPUT', 'expectedOutput'],
      [items1[0].id, 'a\u0000b', 'BAD_USER_INPUT', 'expectedOutput'],
      ['00000000-0000-4000-8000-000000000000', 'x', 'NOT_FOUND', 'itemId'],
      ['item-1', 'x', 'NOT_FOUND', 'itemId'],
    ]) {
      const result = await execute(EDIT, { itemId, text });
      expect(result.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([[code, field]]);
    }
    const { dataset } = await ok(`query($name: String!) { dataset(name: $name) { versionCount latest { version } versions { version parent { version } } } }`, { name });
    expect(dataset).toEqual({
      versionCount: 4,
      latest: { version: 4 },
      versions: [{ version: 1, parent: null }, { version: 2, parent: { version: 1 } }, { version: 3, parent: { version: 2 } }, { version: 4, parent: { version: 2 } }],
    });
  });

  it('numbers versions 1..10 without gaps when 10 snapshots of one new name race', async () => {
    const name = uniqueName('race');
    const results = await Promise.all(Array.from({ length: 10 }, () => execute(CREATE, { input: { name, filter: { experimentId, maxRating: 2 } } })));
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const versions = results.map((result) => (result.data as { createDataset: { version: number } }).createDataset.version).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM dataset WHERE name = $1`, [name]);
    expect(n).toBe(1);
  });

  it('samples deterministically by seed: md5(seed:interaction id), the smallest first', async () => {
    const sample = async (seed: string) => {
      const { createDataset } = await ok(CREATE, { input: { name: uniqueName('sample'), filter: { experimentId, sampleSize: 3, seed } } });
      expect(createDataset.filter).toEqual({ experimentId, sampleSize: 3, seed });
      return (await itemsOf(createDataset.id)).map((item) => item.key).sort();
    };
    const keys: string[] = (await dataSource.query(`SELECT id FROM interaction WHERE experiment_id = $1`, [experimentId])).map((row: { id: string }) => row.id);
    for (const seed of ['alpha', 'beta', '7']) {
      const expected = [...keys].sort((a, b) => (md5Hex(`${seed}:${a}`) < md5Hex(`${seed}:${b}`) ? -1 : 1)).slice(0, 3).sort();
      expect(await sample(seed)).toEqual(expected);
    }
    expect(await sample('alpha')).toEqual(await sample('alpha'));
  });

  it('rejects bad filters and names before writing anything, and allows an empty snapshot', async () => {
    const [{ n: before }] = await dataSource.query(`SELECT count(*)::int AS n FROM dataset_version`);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'has space', filter: {} }, 'name'],
      [{ name: uniqueName('bad'), filter: { minRating: 6 } }, 'filter.minRating'],
      [{ name: uniqueName('bad'), filter: { minRating: 4, maxRating: 2 } }, 'filter.maxRating'],
      [{ name: uniqueName('bad'), filter: { variant: 'A' } }, 'filter.variant'],
      [{ name: uniqueName('bad'), filter: { experimentId: 'exp-1' } }, 'filter.experimentId'],
      [{ name: uniqueName('bad'), filter: { sampleSize: 0 } }, 'filter.sampleSize'],
      [{ name: uniqueName('bad'), filter: { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } }, 'filter.until'],
      [{ name: uniqueName('bad'), filter: { seed: 'a\u0000', sampleSize: 1 } }, 'filter.seed'],
      [{ name: uniqueName('bad'), description: 'x'.repeat(10_001), filter: {} }, 'description'],
    ];
    for (const [input, field] of cases) {
      const result = await execute(CREATE, { input });
      expect([field, result.errors?.map((error) => [error.extensions?.code, error.extensions?.field])]).toEqual([field, [['BAD_USER_INPUT', field]]]);
    }
    const [{ n: after }] = await dataSource.query(`SELECT count(*)::int AS n FROM dataset_version`);
    expect(after).toBe(before);
    const { createDataset: empty } = await ok(CREATE, { input: { name: uniqueName('empty'), filter: { experimentId, until: '2000-01-01T00:00:00Z' } } });
    expect(empty).toMatchObject({ itemCount: 0, hash: '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945' });
    expect((await ok(EXPORT, { id: empty.id, format: 'OPENAI_CHAT_JSONL' })).exportDataset).toBe('');
  });

  it('lists datasets by name with cursors, and pages items', async () => {
    const prefix = uniqueName('list');
    for (const suffix of ['c', 'a', 'b']) await ok(CREATE, { input: { name: `${prefix}/${suffix}`, filter: { experimentId } } });
    const page1 = await ok(`query($p: String) { datasets(first: 2, namePrefix: $p) { nodes { name } pageInfo { hasNextPage endCursor } } }`, { p: prefix });
    expect(page1.datasets.nodes).toEqual([{ name: `${prefix}/a` }, { name: `${prefix}/b` }]);
    expect(page1.datasets.pageInfo.hasNextPage).toBe(true);
    const page2 = await ok(`query($p: String, $a: String) { datasets(first: 2, namePrefix: $p, after: $a) { nodes { name } pageInfo { hasNextPage } } }`, {
      p: prefix,
      a: page1.datasets.pageInfo.endCursor,
    });
    expect(page2.datasets).toEqual({ nodes: [{ name: `${prefix}/c` }], pageInfo: { hasNextPage: false } });
    const { dataset } = await ok(`query($n: String!) { dataset(name: $n) { latest { id } } }`, { n: `${prefix}/a` });
    const all = await itemsOf(dataset.latest.id);
    expect((await ok(ITEMS, { id: dataset.latest.id, offset: 2, limit: 3 })).datasetVersion.items).toEqual(all.slice(2, 5));
    for (const args of [{ offset: -1 }, { limit: 0 }, { limit: 1001 }]) {
      const result = await execute(ITEMS, { id: dataset.latest.id, ...args });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await ok(`{ dataset(name: "no-such-dataset") { id } datasetVersion(id: "00000000-0000-4000-8000-000000000000") { id } }`))).toEqual({ dataset: null, datasetVersion: null });
  });
});

type Message = { role: string; content: string };

/** Every line parses to exactly the fields a fine-tuning API expects. */
function parseJsonl(text: string, format: 'OPENAI_CHAT_JSONL' | 'PROMPT_COMPLETION_JSONL' | 'PREFERENCE_JSONL') {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return lines.map((line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (format === 'OPENAI_CHAT_JSONL') {
      expect(Object.keys(value)).toEqual(['messages']);
      const messages = value.messages as Message[];
      for (const message of messages) {
        expect(Object.keys(message).sort()).toEqual(['content', 'role']);
        expect(typeof message.content === 'string' && message.content.trim().length > 0).toBe(true);
      }
      const roles = messages.map((message) => message.role);
      const turns = roles[0] === 'system' ? roles.slice(1) : roles;
      expect(turns.length % 2).toBe(0);
      expect(turns.length).toBeGreaterThanOrEqual(2);
      turns.forEach((role, i) => expect(role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
    } else {
      const fields = format === 'PROMPT_COMPLETION_JSONL' ? ['completion', 'prompt'] : ['chosen', 'prompt', 'rejected'];
      expect(Object.keys(value).sort()).toEqual(fields);
      for (const field of fields) expect(typeof value[field] === 'string' && (value[field] as string).trim().length > 0).toBe(true);
    }
    return value;
  });
}

describe('exports', () => {
  it('writes chat, prompt-completion and preference JSONL by the documented rules', async () => {
    const experimentId = await createExperiment();
    const prompt = await createPromptVersion('Summarize: {text}', {
      systemPrompt: 'You are concise.',
      fewShot: [
        { input: 'Summarize: cats', output: 'Cats nap.' },
        { input: '', output: 'dropped: empty input' },
      ],
    });
    const log = async (variant: string, input: unknown, output: string | null, rating: number, promptVersionId: string | null = prompt.id) => {
      const requestId = uniqueName('exp-req');
      await subgraph.feedback.logInteraction({ requestId, experimentId, variant, promptVersionId, input, output });
      await subgraph.feedback.logFeedback({ requestId, experimentId, variant, rating });
    };
    // The same input answered by A and B (A/B feedback on one input): B rated higher.
    await log('A', { text: 'dogs' }, 'Dogs bark loudly at night.', 2);
    await log('B', { text: 'dogs' }, 'Dogs bark.', 5);
    await log('A', 'A raw string input', 'raw answer', 3, null);
    await log('A', { missing: 'variable' }, 'kept as JSON', 3);
    await log('A', { text: 'no output' }, null, 1);
    const { createDataset: version } = await ok(CREATE, { input: { name: uniqueName('formats'), filter: { experimentId } } });
    expect(version.itemCount).toBe(5);
    const items = await itemsOf(version.id);
    await ok(EDIT, { itemId: items[0].id, text: 'Dogs bark at night.' }).then(async ({ setDatasetItemExpectedOutput: edited }) => {
      const chat = parseJsonl((await ok(EXPORT, { id: edited.id, format: 'OPENAI_CHAT_JSONL' })).exportDataset, 'OPENAI_CHAT_JSONL');
      expect(chat).toEqual([
        {
          messages: [
            { role: 'system', content: 'You are concise.' },
            { role: 'user', content: 'Summarize: cats' },
            { role: 'assistant', content: 'Cats nap.' },
            { role: 'user', content: 'Summarize: dogs' },
            { role: 'assistant', content: 'Dogs bark at night.' },
          ],
        },
        {
          messages: [
            { role: 'system', content: 'You are concise.' },
            { role: 'user', content: 'Summarize: cats' },
            { role: 'assistant', content: 'Cats nap.' },
            { role: 'user', content: 'Summarize: dogs' },
            { role: 'assistant', content: 'Dogs bark.' },
          ],
        },
        { messages: [{ role: 'user', content: 'A raw string input' }, { role: 'assistant', content: 'raw answer' }] },
        {
          messages: [
            { role: 'system', content: 'You are concise.' },
            { role: 'user', content: 'Summarize: cats' },
            { role: 'assistant', content: 'Cats nap.' },
            { role: 'user', content: '{"missing":"variable"}' },
            { role: 'assistant', content: 'kept as JSON' },
          ],
        },
      ]);
      const completions = parseJsonl((await ok(EXPORT, { id: edited.id, format: 'PROMPT_COMPLETION_JSONL' })).exportDataset, 'PROMPT_COMPLETION_JSONL');
      expect(completions).toEqual([
        { prompt: 'Summarize: dogs', completion: 'Dogs bark at night.' },
        { prompt: 'Summarize: dogs', completion: 'Dogs bark.' },
        { prompt: 'A raw string input', completion: 'raw answer' },
        { prompt: '{"missing":"variable"}', completion: 'kept as JSON' },
      ]);
      const preferences = parseJsonl((await ok(EXPORT, { id: version.id, format: 'PREFERENCE_JSONL' })).exportDataset, 'PREFERENCE_JSONL');
      expect(preferences).toEqual([{ prompt: 'Summarize: dogs', chosen: 'Dogs bark.', rejected: 'Dogs bark loudly at night.' }]);
    });
    const unknown = await execute(EXPORT, { id: '00000000-0000-4000-8000-000000000000', format: 'OPENAI_CHAT_JSONL' });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('lineage and entities', () => {
  it('resolves DatasetVersion by key and lists the model versions and runs that reference it', async () => {
    const { createDataset: version } = await ok(CREATE, { input: { name: uniqueName('lineage'), filter: { until: '2000-01-01T00:00:00Z' } } });
    const [model] = await dataSource.query(`INSERT INTO registered_model (name, version_count) VALUES ($1, 2) RETURNING id`, [uniqueName('ds-model')]);
    const models: Array<{ id: string }> = [];
    for (const number of [1, 2]) {
      const [row] = await dataSource.query(`INSERT INTO model_version (model_id, version, source, dataset_version_id) VALUES ($1, $2, 's', $3) RETURNING id`, [model.id, number, version.id]);
      models.push(row);
    }
    const [run] = await dataSource.query(`INSERT INTO run (project, dataset_version_id, started_at) VALUES ('p', $1, now()) RETURNING id`, [version.id]);
    // The foreign key guards the reference: no model version can point at a dataset version that does not exist.
    await expect(
      dataSource.query(`INSERT INTO model_version (model_id, version, source, dataset_version_id) VALUES ($1, 3, 's', '00000000-0000-4000-8000-000000000000')`, [model.id]),
    ).rejects.toThrow(/foreign key/);
    const result = await ok(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on DatasetVersion { id version itemCount dataset { name } models { id } runs { id } }
      } }`,
      {
        representations: [
          { __typename: 'DatasetVersion', id: version.id },
          { __typename: 'DatasetVersion', id: '00000000-0000-4000-8000-000000000000' },
          { __typename: 'DatasetVersion', id: 'not-a-uuid' },
        ],
      },
    );
    expect(result._entities).toEqual([
      { id: version.id, version: 1, itemCount: 0, dataset: { name: version.dataset.name }, models: models.map((m: { id: string }) => ({ id: m.id })), runs: [{ id: run.id }] },
      null,
      null,
    ]);
  });
});

describe('a streamed export of 100 000 items', () => {
  const N = 100_000;
  const secret = 'a-test-secret-of-at-least-thirty-two-chars';
  let versionId: string;
  let http: RunningHttpServer;
  let secured: ReturnType<typeof createFeedbackSubgraph>;

  beforeAll(async () => {
    const experimentId = await createExperiment();
    // Test setup in two statements (generate_series); the snapshot itself is what is measured.
    await dataSource.query(
      `INSERT INTO interaction (request_id, experiment_id, variant, input, output)
       SELECT 'bulk-' || g, $1, 'A', jsonb_build_object('text', 'document ' || g || ' ' || repeat('lorem ipsum ', 40)), 'summary ' || g
       FROM generate_series(1, $2) AS g`,
      [experimentId, N],
    );
    await dataSource.query(
      `INSERT INTO feedback (idempotency_key, request_id, experiment_id, variant, rating, source)
       SELECT 'bulk-' || g || ':USER', 'bulk-' || g, $1, 'A', 1 + g % 5, 'USER' FROM generate_series(1, $2) AS g`,
      [experimentId, N],
    );
    const started = Date.now();
    const { createDataset } = await ok(CREATE, { input: { name: uniqueName('bulk'), filter: { experimentId } } });
    process.stdout.write(`createDataset of ${N} items: ${Date.now() - started} ms\n`);
    expect(createDataset.itemCount).toBe(N);
    versionId = createDataset.id;
    secured = createFeedbackSubgraph({
      dataSource,
      logger: createLogger('dataset-test', 'silent'),
      config: { FLYWHEEL_AUTH: true, FLYWHEEL_GATEWAY_SECRET: secret, FLYWHEEL_PUBLIC_FEEDBACK_URL: 'https://flywheel.example.com/feedback/' },
    });
    await secured.apollo.start();
    http = await startHttpServer({
      name: 'feedback-test',
      apollo: secured.apollo,
      context: ({ req, requestId }) => secured.context({ req, requestId }),
      routes: secured.routes,
      ready: async () => true,
      logger: createLogger('dataset-test', 'silent'),
      port: 0,
      host: '127.0.0.1',
      maxBodyBytes: 1024 * 1024,
      shutdownGraceMs: 1000,
      onShutdown: () => secured.apollo.stop(),
    });
  }, 300_000);

  afterAll(async () => {
    await http?.shutdown('test');
  });

  it('fetches at most 1 000 rows per round trip, and only as the reader consumes them', async () => {
    const batches: number[] = [];
    let bytes = 0;
    let lines = 0;
    let mostAhead = 0;
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    for await (const chunk of subgraph.datasets.exportChunks(versionId, 'OPENAI_CHAT_JSONL', { onBatch: (rows) => batches.push(rows) })) {
      bytes += Buffer.byteLength(chunk);
      for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines += 1;
      // Rows read from PostgreSQL but not yet handed to the reader: what the export holds in memory.
      mostAhead = Math.max(mostAhead, batches.reduce((sum, rows) => sum + rows, 0) - lines);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    // The heap figure is printed for information only: garbage collection timing makes it too noisy to assert on.
    process.stdout.write(
      `streamed ${lines} lines, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${batches.length} fetches; at most ${mostAhead} rows ahead of the reader; heap growth at peak ${((peak - baseline) / 2 ** 20).toFixed(1)} MiB\n`,
    );
    expect(lines).toBe(N);
    expect(Math.max(...batches)).toBe(1000);
    expect(batches.length).toBe(N / 1000 + 1);
    // Pulled batch by batch: never more than one fetch ahead of what the reader took.
    expect(mostAhead).toBeLessThanOrEqual(1000);
  }, 120_000);

  it('refuses it inline beyond 10 000 items, pointing at the download URL', async () => {
    const result = await execute(EXPORT, { id: versionId, format: 'OPENAI_CHAT_JSONL' });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', limit: 10_000 });
    expect(result.errors?.[0].message).toMatch(/downloadUrl/);
  });

  it('streams it over HTTP from a signed link, and refuses unsigned, tampered and foreign requests', async () => {
    const contextValue = await secured.context({ requestId: 'link' });
    const response = await secured.apollo.executeOperation(
      { query: `query($id: ID!) { datasetVersion(id: $id) { downloadUrl(format: PROMPT_COMPLETION_JSONL) } }`, variables: { id: versionId } },
      { contextValue },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const link = new URL((response.body.singleResult.data as { datasetVersion: { downloadUrl: string } }).datasetVersion.downloadUrl);
    expect(`${link.origin}${link.pathname}`).toBe(`https://flywheel.example.com/feedback/datasets/${versionId}.jsonl`);
    expect(link.searchParams.get('format')).toBe('PROMPT_COMPLETION_JSONL');
    const local = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/datasets/${versionId}.jsonl`;
    const download = await fetch(`${local}${link.search}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^application\/jsonl/);
    let lines = 0;
    let rest = '';
    let first: unknown;
    const decoder = new TextDecoder();
    for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        const value = JSON.parse(line);
        first ??= value;
        lines += 1;
      }
    }
    expect(rest).toBe('');
    expect(lines).toBe(N);
    // Items are in the interactions' order (time, then id): the first line is the first item's.
    const [item] = (await ok(ITEMS, { id: versionId, limit: 1 })).datasetVersion.items;
    expect(first).toEqual({ prompt: JSON.stringify(item.input), completion: item.output });

    const status = async (url: string, headers: Record<string, string> = {}) => {
      const answer = await fetch(url, { headers });
      await answer.body?.cancel(); // a 200 is not read to the end: hang up, which stops the server's cursor
      return answer.status;
    };
    const token = link.searchParams.get('token') ?? '';
    expect(await status(`${local}?format=PROMPT_COMPLETION_JSONL`)).toBe(401);
    expect(await status(`${local}?format=OPENAI_CHAT_JSONL&token=${token}`)).toBe(401); // bound to its format
    expect(await status(`${local}?format=PROMPT_COMPLETION_JSONL&token=${token.slice(0, -2)}xx`)).toBe(401);
    expect(await status(`${local}?format=CSV&token=${token}`)).toBe(400);
    const gateway = signPrincipal(secret, { keyId: 'k', name: 'viewer', role: 'VIEWER' });
    expect(await status(`${local}?format=OPENAI_CHAT_JSONL`, gateway)).toBe(200);
    expect(await status(`${local}?format=OPENAI_CHAT_JSONL`, signPrincipal(secret, { keyId: 'k', name: 'ingest', role: 'INGEST' }))).toBe(403);
    expect(await status(`${local}?format=OPENAI_CHAT_JSONL`, signPrincipal('another-secret-of-at-least-32-characters', { keyId: 'k', name: 'x', role: 'ADMIN' }))).toBe(401);
    const missing = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/datasets/00000000-0000-4000-8000-000000000000.jsonl?format=OPENAI_CHAT_JSONL`;
    expect(await status(missing, gateway)).toBe(404);
  }, 120_000);

  it('stops the cursor and frees the connection when the client goes away', async () => {
    const gateway = signPrincipal(secret, { keyId: 'k', name: 'viewer', role: 'VIEWER' });
    const port = (http.server.address() as AddressInfo).port;
    for (let i = 0; i < 15; i++) {
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}/datasets/${versionId}.jsonl?format=OPENAI_CHAT_JSONL`, { headers: gateway, signal: controller.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      controller.abort();
    }
    // More aborted downloads than pool connections, and the pool still serves: none was leaked.
    await new Promise((resolve) => setTimeout(resolve, 200));
    let timer: NodeJS.Timeout | undefined;
    const [{ ok: alive }] = await Promise.race([
      dataSource.query(`SELECT true AS ok`),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('pool exhausted: cursors leaked')), 5000))),
    ]).finally(() => clearTimeout(timer));
    expect(alive).toBe(true);
  }, 60_000);
});
