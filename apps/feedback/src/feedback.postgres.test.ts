// The feedback subgraph in-process against a real PostgreSQL (a fresh database
// of this file's own): the federation entry points, ingestion's validation,
// idempotency and concurrency, rollups against a from-scratch recomputation,
// and results against SciPy. Experiments are rows written straight into the
// experiment module's tables (test setup: this subgraph only reads them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource } from '@flywheel/data';
import { createTestDatabase, type TestDatabase } from '@flywheel/data/testing';
import { createLogger } from '@flywheel/server';
import type { DataSource } from 'typeorm';
import { createFeedbackSubgraph } from './server';
import type { LogFeedbackInput } from './services/feedback.service';
import { LATENCY_SKETCH_ALPHA, latencyBucket } from './services/latency-sketch';

interface Fixture {
  weights: number[];
  data: Record<'A' | 'B' | 'C', { rating: number[]; score: number[]; thumbs: boolean[]; latencyMs: number[] }>;
  expected: Record<string, { variants: Record<string, Record<string, number>>; comparisons: Record<string, Record<string, number>> }>;
  srm: Record<'healthy' | 'skewed', { observed: number[]; expected: number[]; pValue: number }>;
}
const fixture: Fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'results.scipy.json'), 'utf8'));

let database: TestDatabase;
let dataSource: DataSource;
let subgraph: ReturnType<typeof createFeedbackSubgraph>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 10 });
  await dataSource.initialize();
  subgraph = createFeedbackSubgraph({ dataSource, logger: createLogger('feedback-test', 'silent') });
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

let experimentCount = 0;
/** An experiment with the given variants (control first), written as the experiment subgraph would. */
async function createExperiment(keys: string[] = ['A', 'B'], weights: number[] = keys.map(() => 1 / keys.length)): Promise<string> {
  const name = `fb-test-${++experimentCount}`;
  const [experiment] = await dataSource.query(`INSERT INTO experiment (name, salt, status, started_at) VALUES ($1, $1, 'RUNNING', now()) RETURNING id`, [name]);
  await dataSource.query(
    `INSERT INTO experiment_variant (experiment_id, key, position, weight) SELECT $1, k, p - 1, w FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY AS t(k, w, p)`,
    [experiment.id, keys, weights],
  );
  return experiment.id;
}

/** Rollup rows of an experiment, as numbers. */
async function rollups(experimentId: string) {
  const rows: Array<{ variant: string; metric: string; n: string; sum: number; sum_sq: number; histogram: string[] | null }> = await dataSource.query(
    `SELECT variant, metric, n, sum, sum_sq, histogram FROM feedback_rollup_total WHERE experiment_id = $1 ORDER BY variant, metric`,
    [experimentId],
  );
  return rows.map((r) => ({ variant: r.variant, metric: r.metric, n: Number(r.n), sum: r.sum, sumSq: r.sum_sq, histogram: r.histogram?.map(Number) ?? null }));
}

/** The same statistics recomputed from scratch over the stored feedback rows (GROUP BY, no rollup). */
async function recomputed(experimentId: string) {
  const rows: Array<{ variant: string; metric: string; n: string; sum: number; sum_sq: number; histogram: string[] | null }> = await dataSource.query(
    `WITH obs AS (
       SELECT f.variant, m.metric, m.x, m.bucket, m.size FROM feedback f CROSS JOIN LATERAL (VALUES
         ('RATING', f.rating::float8, f.rating::int, 5),
         ('SCORE', f.score, NULL::int, NULL::int),
         ('THUMBS', f.thumbs::int::float8, f.thumbs::int + 1, 2),
         ('FEEDBACK_LATENCY', f.latency_ms, feedback_latency_bucket(f.latency_ms), 154)) AS m(metric, x, bucket, size)
       WHERE f.experiment_id = $1 AND m.x IS NOT NULL
     ), hist AS (
       SELECT variant, metric, size, bucket, count(*) AS c FROM obs WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4
     ), arrays AS (
       SELECT h.variant, h.metric, array_agg(coalesce(x.c, 0) ORDER BY g) AS histogram
       FROM (SELECT DISTINCT variant, metric, size FROM hist) h CROSS JOIN LATERAL generate_series(1, h.size) g
       LEFT JOIN hist x ON x.variant = h.variant AND x.metric = h.metric AND x.bucket = g
       GROUP BY h.variant, h.metric
     )
     SELECT o.variant, o.metric, count(*) AS n, sum(o.x) AS sum, sum(o.x * o.x) AS sum_sq, a.histogram
     FROM obs o LEFT JOIN arrays a ON a.variant = o.variant AND a.metric = o.metric
     GROUP BY o.variant, o.metric, a.histogram ORDER BY o.variant, o.metric`,
    [experimentId],
  );
  return rows.map((r) => ({ variant: r.variant, metric: r.metric, n: Number(r.n), sum: r.sum, sumSq: r.sum_sq, histogram: r.histogram?.map(Number) ?? null }));
}

function expectRollupsToEqualRecomputation(actual: Awaited<ReturnType<typeof rollups>>, expected: Awaited<ReturnType<typeof rollups>>) {
  expect(actual.map(({ variant, metric, n, histogram }) => ({ variant, metric, n, histogram }))).toEqual(
    expected.map(({ variant, metric, n, histogram }) => ({ variant, metric, n, histogram })),
  );
  actual.forEach((row, i) => {
    // Float sums in another order: equal to 1e-9 relative.
    expect(Math.abs(row.sum - expected[i].sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[i].sum)));
    expect(Math.abs(row.sumSq - expected[i].sumSq)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[i].sumSq)));
  });
}

const close = (actual: number | null, expected: number, relative = 1e-6) =>
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.max(1e-3, Math.abs(expected)));

/** A deterministic pseudo-random source (mulberry32), so a failing run can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('feedback subgraph (in-process)', () => {
  it('publishes its federated SDL: Experiment @key(id) with results', async () => {
    const result = await execute('{ _service { sdl } }');
    const sdl = (result.data?._service as { sdl: string }).sdl;
    expect(sdl).toMatch(/type Experiment\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/results\(metric: FeedbackMetric = RATING, confidence: Float = 0.95/);
  });

  it('resolves Experiment entities by key to their results; an unknown experiment is NOT_FOUND', async () => {
    const id = await createExperiment(['ctl', 'new']);
    await subgraph.feedback.logFeedbackBatch([
      { requestId: 'e1', experimentId: id, variant: 'ctl', rating: 4 },
      { requestId: 'e2', experimentId: id, variant: 'new', rating: 5 },
    ]);
    const result = await execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Experiment { id results { control variants { variant n mean } decisionCode } }
      } }`,
      { representations: [{ __typename: 'Experiment', id }] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id, results: { control: 'ctl', variants: [{ variant: 'ctl', n: 1, mean: 4 }, { variant: 'new', n: 1, mean: 5 }], decisionCode: 'KEEP_RUNNING' } },
    ]);
    const missing = await execute(
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Experiment { id results { control } } } }`,
      { representations: [{ __typename: 'Experiment', id: '00000000-0000-0000-0000-000000000000' }] },
    );
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  describe('results match SciPy (apps/feedback/src/__fixtures__/make-results-fixture.py)', () => {
    let id: string;
    beforeAll(async () => {
      id = await createExperiment(['A', 'B', 'C'], fixture.weights);
      const items: LogFeedbackInput[] = [];
      for (const variant of ['A', 'B', 'C'] as const) {
        const d = fixture.data[variant];
        d.rating.forEach((rating, i) =>
          items.push({ requestId: `scipy-${variant}-${i}`, experimentId: id, variant, rating, thumbs: d.thumbs[i], latencyMs: d.latencyMs[i] }),
        );
        d.score.forEach((score, i) => items.push({ requestId: `scipy-${variant}-${i}`, experimentId: id, variant, score, source: 'LLM_JUDGE' }));
      }
      const result = await subgraph.feedback.logFeedbackBatch(items);
      expect(result).toEqual({ accepted: items.length, duplicates: 0, rejected: [] });
    });

    it.each([
      ['RATING', 'rating'],
      ['SCORE', 'score'],
      ['THUMBS', 'thumbs'],
      ['LATENCY', 'latencyMs'],
    ])('%s: summaries, comparisons and Holm-adjusted p-values', async (metric, key) => {
      const expected = fixture.expected[key];
      const result = await execute(
        `query($representations: [_Any!]!, $metric: FeedbackMetric) { _entities(representations: $representations) { ... on Experiment {
          results(metric: $metric) { control
            variants { variant n mean stddev ciLow ciHigh p50 p95 }
            comparisons { variant control difference ciLow ciHigh relativeLift pValue adjustedPValue significant mannWhitneyPValue }
          } } } }`,
        { representations: [{ __typename: 'Experiment', id }], metric },
      );
      expect(result.errors).toBeUndefined();
      const results = (result.data?._entities as Array<{ results: any }>)[0].results; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(results.control).toBe('A');
      for (const summary of results.variants) {
        const e = expected.variants[summary.variant];
        expect(summary.n).toBe(e.n);
        for (const field of ['mean', 'stddev', 'ciLow', 'ciHigh']) close(summary[field], e[field]);
        if (metric === 'LATENCY') {
          // The sketch's bound: within α (5 %) of the nearest-rank percentile.
          close(summary.p50, e.p50, LATENCY_SKETCH_ALPHA + 1e-9);
          close(summary.p95, e.p95, LATENCY_SKETCH_ALPHA + 1e-9);
        } else {
          expect(summary.p50).toBeNull();
        }
      }
      expect(results.comparisons.map((c: { variant: string }) => c.variant)).toEqual(['B', 'C']);
      for (const comparison of results.comparisons) {
        const e = expected.comparisons[comparison.variant];
        expect(comparison.control).toBe('A');
        for (const field of ['difference', 'ciLow', 'ciHigh', 'relativeLift', 'pValue', 'adjustedPValue']) close(comparison[field], e[field]);
        expect(comparison.significant).toBe(e.adjustedPValue < 0.05);
        if (metric === 'RATING') close(comparison.mannWhitneyPValue, e.mannWhitneyPValue);
        else expect(comparison.mannWhitneyPValue).toBeNull();
      }
    });

    it('feedbackSummary gives the same 95 % summaries, control first', async () => {
      const result = await execute(`query($id: ID!) { feedbackSummary(experimentId: $id) { variant n mean stddev ciLow ciHigh ratingCounts } }`, { id });
      expect(result.errors).toBeUndefined();
      const summaries = result.data?.feedbackSummary as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(summaries.map((s) => s.variant)).toEqual(['A', 'B', 'C']);
      for (const s of summaries) {
        const e = fixture.expected.rating.variants[s.variant];
        for (const field of ['mean', 'stddev', 'ciLow', 'ciHigh']) close(s[field], e[field]);
        const ratings = fixture.data[s.variant as 'A'].rating;
        expect(s.ratingCounts).toEqual([1, 2, 3, 4, 5].map((r) => ratings.filter((x) => x === r).length));
      }
    });

    it('flags the slower treatment on the LATENCY guardrail and says so in the decision', async () => {
      const result = await execute(
        `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Experiment {
          results { guardrails { metric variant violated pValue } decision decisionCode samplesNeeded minDetectableEffect } } } }`,
        { representations: [{ __typename: 'Experiment', id }] },
      );
      const results = (result.data?._entities as Array<{ results: any }>)[0].results; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(results.guardrails).toEqual([
        { metric: 'LATENCY', variant: 'B', violated: false, pValue: expect.any(Number) },
        { metric: 'LATENCY', variant: 'C', violated: true, pValue: expect.any(Number) },
      ]);
      close(results.guardrails[1].pValue, fixture.expected.latencyMs.comparisons.C.pValue);
      expect(results.decisionCode).toBe('GUARDRAIL_VIOLATED');
      expect(results.decision).toMatch(/^guardrail: C is significantly slower than A \(LATENCY \+\d+\.\d %, p = .+\): do not ship C$/);
      // n = 2σ²(z(0.975) + z(0.8))² / δ² with σ the control's stddev and δ = 5 % of its mean.
      const control = fixture.expected.rating.variants.A;
      const z = 1.959963984540054 + 0.8416212335729143;
      expect(results.minDetectableEffect).toBeCloseTo(0.05 * control.mean, 10);
      expect(results.samplesNeeded).toBe(Math.ceil((2 * control.stddev ** 2 * z * z) / (0.05 * control.mean) ** 2 - 1e-9));
    });
  });

  it('checks the sample ratio over first exposures (forced ones excluded) against SciPy', async () => {
    for (const [name, set] of Object.entries(fixture.srm)) {
      const id = await createExperiment(['A', 'B', 'C'], fixture.weights);
      const keys = set.observed.flatMap((count, v) => Array.from({ length: count }, () => ['A', 'B', 'C'][v]));
      await dataSource.query(
        `INSERT INTO experiment_exposure (experiment_id, unit_id, variant_key) SELECT $1, 'u' || i, k FROM unnest($2::text[]) WITH ORDINALITY AS t(k, i)`,
        [id, keys],
      );
      // QA overrides are not part of the randomisation: 500 forced exposures to C change nothing.
      await dataSource.query(
        `INSERT INTO experiment_exposure (experiment_id, unit_id, variant_key, forced) SELECT $1, 'qa' || i, 'C', true FROM generate_series(1, 500) i`,
        [id],
      );
      const srm = subgraph.results.results((await subgraph.results.inputsFor([id]))[0], id, { metric: 'RATING', confidence: 0.95 }).srm;
      expect(srm.observed).toEqual(set.observed);
      srm.expected.forEach((e, i) => close(e, set.expected[i], 1e-12));
      close(srm.pValue, set.pValue);
      expect(srm.mismatch).toBe(name === 'skewed');
      const { decisionCode, decision } = subgraph.results.results((await subgraph.results.inputsFor([id]))[0], id, { metric: 'RATING', confidence: 0.95 });
      if (name === 'skewed') {
        expect(decisionCode).toBe('SAMPLE_RATIO_MISMATCH');
        expect(decision).toMatch(/^sample ratio mismatch: do not trust these results \(exposures 1100\/560\/340 against expected 1000\/600\/400/);
      } else {
        expect(decisionCode).toBe('KEEP_RUNNING');
      }
    }
  });

  describe('logFeedbackBatch', () => {
    it('counts a retried batch once: the retry stores nothing and leaves the rollups as they were', async () => {
      const id = await createExperiment();
      const batch = Array.from({ length: 50 }, (_, i) => ({ requestId: `retry-${i}`, experimentId: id, variant: i % 2 ? 'B' : 'A', rating: 1 + (i % 5), thumbs: i % 3 === 0 }));
      expect(await subgraph.feedback.logFeedbackBatch(batch)).toEqual({ accepted: 50, duplicates: 0, rejected: [] });
      const before = await rollups(id);
      expect(await subgraph.feedback.logFeedbackBatch(batch)).toEqual({ accepted: 0, duplicates: 50, rejected: [] });
      expect(await subgraph.feedback.logFeedbackBatch([...batch].reverse())).toEqual({ accepted: 0, duplicates: 50, rejected: [] });
      expect(await rollups(id)).toEqual(before.map((row) => ({ ...row })));
      expect(before.find((r) => r.metric === 'RATING' && r.variant === 'A')?.n).toBe(25);
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM feedback WHERE experiment_id = $1`, [id]);
      expect(n).toBe(50);
    });

    it('rejects each bad item by index with its code and stores the good ones', async () => {
      const id = await createExperiment();
      const ok = (i: number) => ({ requestId: `bad-batch-ok-${i}`, experimentId: id, variant: 'A', rating: 4 });
      const inputs: LogFeedbackInput[] = [
        ok(0),
        { requestId: 'bad-1', experimentId: id, variant: 'A', rating: 6 },
        { requestId: 'bad-2', experimentId: id, variant: 'A', rating: 0 },
        { requestId: 'bad-3', experimentId: id, variant: 'A', rating: 3.5 },
        { requestId: 'bad-4', experimentId: id, variant: 'A', latencyMs: -1 },
        { requestId: 'bad-5', experimentId: id, variant: 'A', score: NaN },
        { requestId: 'bad-6', experimentId: id, variant: 'A', latencyMs: Infinity },
        { requestId: 'bad-7', experimentId: id, variant: 'Z', rating: 3 },
        { requestId: 'bad-8', experimentId: '00000000-0000-0000-0000-000000000000', variant: 'A', rating: 3 },
        { requestId: 'bad-9', experimentId: 'not-a-uuid', variant: 'A', rating: 3 },
        { requestId: 'bad-10', experimentId: id, variant: 'A', feedbackText: 'x'.repeat(20_001) },
        ok(11),
        { requestId: 'bad-12', experimentId: id, rating: 3 },
        { requestId: 'bad-13', feedbackText: 'nul \u0000 here' },
        { requestId: '', rating: 3 },
        { requestId: 'bad-15' },
        { requestId: 'bad-16', experimentId: id, variant: 'A', rating: -Infinity },
        { ...ok(17), feedbackText: 'y'.repeat(20_000) },
      ];
      const result = await subgraph.feedback.logFeedbackBatch(inputs);
      expect(result.accepted).toBe(3);
      expect(result.duplicates).toBe(0);
      expect(result.rejected.map(({ index, code }) => [index, code])).toEqual([
        [1, 'RATING_OUT_OF_RANGE'],
        [2, 'RATING_OUT_OF_RANGE'],
        [3, 'RATING_NOT_INTEGER'],
        [4, 'NEGATIVE_LATENCY'],
        [5, 'NOT_FINITE'],
        [6, 'NOT_FINITE'],
        [7, 'UNKNOWN_VARIANT'],
        [8, 'UNKNOWN_EXPERIMENT'],
        [9, 'UNKNOWN_EXPERIMENT'],
        [10, 'TEXT_TOO_LONG'],
        [12, 'EXPERIMENT_AND_VARIANT_REQUIRED'],
        [13, 'NUL_CHARACTER'],
        [14, 'INVALID_KEY'],
        [15, 'EMPTY_FEEDBACK'],
        [16, 'NOT_FINITE'],
      ]);
      expect(result.rejected[0].message).toBe('rating must be from 1 to 5; got 6');
      expect(result.rejected[6].message).toMatch(/has no variant "Z" \(it has A, B\)/);
      expect(result.rejected[9].message).toBe('feedbackText is 20001 characters long; the limit is 20000');
      const rows = await dataSource.query(`SELECT request_id FROM feedback WHERE experiment_id = $1 ORDER BY request_id`, [id]);
      expect(rows.map((r: { request_id: string }) => r.request_id)).toEqual(['bad-batch-ok-0', 'bad-batch-ok-11', 'bad-batch-ok-17']);
      expect((await rollups(id)).find((r) => r.metric === 'RATING')).toMatchObject({ variant: 'A', n: 3, sum: 12, histogram: [0, 0, 0, 3, 0] });
    });

    it('refuses a batch over 5 000 items whole, before any write', async () => {
      const inputs = Array.from({ length: 5001 }, (_, i) => ({ requestId: `too-many-${i}`, rating: 3 }));
      await expect(subgraph.feedback.logFeedbackBatch(inputs)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'inputs' } });
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM feedback WHERE request_id LIKE 'too-many-%'`);
      expect(n).toBe(0);
    });

    it('stores concurrent duplicate submissions once (same keys, different orders, no deadlock)', async () => {
      const id = await createExperiment();
      const items = Array.from({ length: 300 }, (_, i) => ({ requestId: `dup-${i}`, experimentId: id, variant: i % 2 ? 'B' : 'A', rating: 1 + (i % 5) }));
      const random = rng(7);
      const shuffled = () => [...items].sort(() => random() - 0.5);
      const results = await Promise.all(Array.from({ length: 8 }, () => subgraph.feedback.logFeedbackBatch(shuffled())));
      expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(300);
      expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(7 * 300);
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM feedback WHERE experiment_id = $1`, [id]);
      expect(n).toBe(300);
      expect((await rollups(id)).filter((r) => r.metric === 'RATING').map((r) => r.n)).toEqual([150, 150]);
    });

    it('keeps rollups equal to a from-scratch recomputation over the rows after random concurrent inserts', async () => {
      const id = await createExperiment(['A', 'B', 'C']);
      const random = rng(42);
      const batches = Array.from({ length: 12 }, (_, b) =>
        Array.from({ length: 40 + Math.floor(random() * 160) }, () => {
          // Keys drawn from a shared pool, so batches overlap and race on the same keys.
          const k = Math.floor(random() * 1500);
          const item: LogFeedbackInput = { requestId: `rand-${k}`, experimentId: id, variant: ['A', 'B', 'C'][k % 3] };
          if (random() < 0.8) item.rating = 1 + Math.floor(random() * 5);
          if (random() < 0.5) item.score = Math.round(random() * 1e6) / 1e4 - 20;
          if (random() < 0.5) item.thumbs = random() < 0.6;
          if (random() < 0.5) item.latencyMs = random() < 0.05 ? random() : Math.exp(random() * 14);
          if (item.rating === undefined && item.score === undefined && item.thumbs === undefined && item.latencyMs === undefined) item.feedbackText = `batch ${b}`;
          return item;
        }),
      );
      const results = await Promise.all(batches.map((batch) => subgraph.feedback.logFeedbackBatch(batch)));
      expect(results.every((r) => r.rejected.length === 0)).toBe(true);
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM feedback WHERE experiment_id = $1`, [id]);
      expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(n);
      const actual = await rollups(id);
      expect(actual.map((r) => r.metric)).toContain('FEEDBACK_LATENCY');
      expectRollupsToEqualRecomputation(actual, await recomputed(id));
    });
  });

  describe('logFeedback', () => {
    it('rejects bad input with BAD_USER_INPUT naming the field, writing nothing', async () => {
      const id = await createExperiment();
      const cases: Array<[LogFeedbackInput, string, string]> = [
        [{ requestId: 'one-bad-1', rating: 7 }, 'rating', 'RATING_OUT_OF_RANGE'],
        [{ requestId: 'one-bad-2', experimentId: id, variant: 'nope', rating: 3 }, 'variant', 'UNKNOWN_VARIANT'],
        [{ requestId: 'one-bad-3', latencyMs: -5 }, 'latencyMs', 'NEGATIVE_LATENCY'],
        [{ requestId: 'one-bad-4', idempotencyKey: 'k'.repeat(257), rating: 3 }, 'idempotencyKey', 'INVALID_KEY'],
      ];
      for (const [input, field, rejection] of cases) {
        await expect(subgraph.feedback.logFeedback(input)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field, rejection } });
      }
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM feedback WHERE request_id LIKE 'one-bad-%'`);
      expect(n).toBe(0);
    });

    it('returns the stored feedback for a known key, with the default key requestId:source', async () => {
      const id = await createExperiment();
      const first = await subgraph.feedback.logFeedback({ requestId: 'single-1', experimentId: id.toUpperCase(), variant: 'B', rating: 5 });
      expect(first).toMatchObject({ idempotencyKey: 'single-1:USER', experimentId: id, variant: 'B', rating: 5, source: 'USER' });
      const again = await subgraph.feedback.logFeedback({ requestId: 'single-1', experimentId: id, variant: 'B', rating: 1 });
      expect(again).toEqual(first);
      const judge = await subgraph.feedback.logFeedback({ requestId: 'single-1', experimentId: id, variant: 'B', score: 0.7, source: 'LLM_JUDGE' });
      expect(judge.idempotencyKey).toBe('single-1:LLM_JUDGE');
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => subgraph.feedback.logFeedback({ requestId: 'single-2', experimentId: id, variant: 'A', rating: 2, idempotencyKey: 'client-key-2' })));
      expect(new Set(concurrent.map((f) => f.id)).size).toBe(1);
      expect((await rollups(id)).filter((r) => r.metric === 'RATING').map(({ variant, n, sum }) => ({ variant, n, sum }))).toEqual([
        { variant: 'A', n: 1, sum: 2 },
        { variant: 'B', n: 1, sum: 5 },
      ]);
    });
  });

  describe('logInteraction', () => {
    it('stores one interaction per request id, rolls up latency and cost, and links feedback either way round', async () => {
      const id = await createExperiment();
      const feedbackFirst = await subgraph.feedback.logFeedback({ requestId: 'link-1', thumbs: true });
      const input = { requestId: 'link-1', experimentId: id, variant: 'B', unitId: 'user-1', input: { text: 'hi' }, output: 'hello', latencyMs: 812.5, costUsd: 0.0021, inputTokens: 12, outputTokens: 30, metadata: { region: 'eu' } };
      const interaction = await subgraph.feedback.logInteraction(input);
      expect(interaction).toMatchObject({ ...input, promptVersionId: null });
      expect(await subgraph.feedback.logInteraction({ ...input, latencyMs: 1 })).toEqual(interaction);
      await subgraph.feedback.logFeedback({ requestId: 'link-1', rating: 4, source: 'ANNOTATOR' });
      const result = await execute(`{ interaction(requestId: "link-1") { id variant experiment { id } feedback { id source } } feedbackForRequest(requestId: "link-1") { source interaction { id } } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data?.interaction).toEqual({ id: interaction.id, variant: 'B', experiment: { id }, feedback: [{ id: feedbackFirst.id, source: 'USER' }, { id: expect.any(String), source: 'ANNOTATOR' }] });
      expect(result.data?.feedbackForRequest).toEqual([
        { source: 'USER', interaction: { id: interaction.id } },
        { source: 'ANNOTATOR', interaction: { id: interaction.id } },
      ]);
      expect(await rollups(id)).toEqual([
        { variant: 'B', metric: 'COST', n: 1, sum: 0.0021, sumSq: 0.0021 ** 2, histogram: null },
        { variant: 'B', metric: 'LATENCY', n: 1, sum: 812.5, sumSq: 812.5 ** 2, histogram: expect.any(Array) },
      ]);
      const latency = (await rollups(id))[1].histogram as number[];
      expect(latency).toHaveLength(154);
      expect(latency.indexOf(1) + 1).toBe(latencyBucket(812.5));
    });

    it('rejects an unknown prompt version or experiment with BAD_USER_INPUT and writes nothing', async () => {
      await expect(subgraph.feedback.logInteraction({ requestId: 'pv-bad', promptVersionId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'promptVersionId' },
      });
      await expect(subgraph.feedback.logInteraction({ requestId: 'exp-bad', experimentId: '00000000-0000-0000-0000-000000000001', variant: 'A' })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'experimentId' },
      });
      await expect(subgraph.feedback.logInteraction({ requestId: 'lat-bad', latencyMs: NaN })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'latencyMs' } });
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM interaction WHERE request_id IN ('pv-bad', 'exp-bad', 'lat-bad')`);
      expect(n).toBe(0);
    });
  });

  it('agrees with the SQL latency bucket function on bucket edges and across the range', async () => {
    const values = [0, 0.5, 0.999, 1, 1.1, 2, 10, 99.9, 100, 812.5, 1e4, 3.6e6, 4.1e6, 1e9];
    const rows: Array<{ b: number }> = await dataSource.query(`SELECT feedback_latency_bucket(x) AS b FROM unnest($1::float8[]) WITH ORDINALITY AS t(x, i) ORDER BY i`, [values]);
    expect(rows.map((r) => r.b)).toEqual(values.map(latencyBucket));
  });
});
