// The feedback subgraph end to end: through the gateway over HTTP, with
// experiments created and exposed by the experiment subgraph, on a real
// PostgreSQL. Reference statistics come from SciPy:
// apps/feedback/src/__fixtures__/make-results-fixture.py (Python 3.11, SciPy 1.17)
// wrote results.scipy.json with scipy.stats.t.interval, ttest_ind(equal_var=False)
// and its confidence_interval, chi2_contingency(correction=False),
// mannwhitneyu(method='asymptotic'), chisquare, and Holm written out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assign, momentsOf, normaliseWeights } from '@flywheel/core';
import { codes, gql, gqlOk, unique } from './client';

interface Fixture {
  weights: number[];
  data: Record<'A' | 'B' | 'C', { rating: number[]; score: number[]; thumbs: boolean[]; latencyMs: number[] }>;
  expected: Record<string, { variants: Record<string, Record<string, number>>; comparisons: Record<string, Record<string, number>> }>;
  srm: Record<'healthy' | 'skewed', { observed: number[]; expected: number[]; pValue: number }>;
}
const fixture: Fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'feedback', 'src', '__fixtures__', 'results.scipy.json'), 'utf8'));

const BATCH = `mutation($inputs: [LogFeedbackInput!]!) { logFeedbackBatch(inputs: $inputs) { accepted duplicates rejected { index code message } } }`;
const logBatch = async (inputs: unknown[]) => (await gqlOk(BATCH, { inputs })).logFeedbackBatch;

const close = (actual: number | null, expected: number, relative = 1e-6) =>
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.max(1e-3, Math.abs(expected)));

/** A running experiment created and started through the gateway. */
async function startedExperiment(variants: Array<{ key: string; weight?: number; promptVersionId?: string }>) {
  const name = unique('fb-exp');
  const { createExperiment } = await gqlOk(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
    input: { name, variants },
  });
  await gqlOk(`mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id: createExperiment.id });
  return { id: createExperiment.id as string, name };
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Experiment.results through the gateway', () => {
  let experiment: { id: string; name: string };
  let promptVersionId: string;

  beforeAll(async () => {
    const { registerPrompt } = await gqlOk(`mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { version { id } } }`, {
      input: { name: unique('fb-prompt'), template: 'Answer: {question}' },
    });
    promptVersionId = registerPrompt.version.id;
    experiment = await startedExperiment([
      { key: 'A', weight: 5, promptVersionId },
      { key: 'B', weight: 3 },
      { key: 'C', weight: 2 },
    ]);
    const items: unknown[] = [];
    for (const variant of ['A', 'B', 'C'] as const) {
      const d = fixture.data[variant];
      d.rating.forEach((rating, i) => items.push({ requestId: `${experiment.name}-${variant}-${i}`, experimentId: experiment.id, variant, rating, thumbs: d.thumbs[i], latencyMs: d.latencyMs[i] }));
      d.score.forEach((score, i) => items.push({ requestId: `${experiment.name}-${variant}-${i}`, experimentId: experiment.id, variant, score, source: 'LLM_JUDGE' }));
    }
    expect(await logBatch(items)).toEqual({ accepted: items.length, duplicates: 0, rejected: [] });
  });

  it('answers in one query with the variants, their prompt versions and results that match SciPy', async () => {
    const { experiment: result } = await gqlOk(
      `query($id: ID!) { experiment(id: $id) {
        name variants { key promptVersion { template } }
        results { control variants { variant n mean stddev ciLow ciHigh }
          comparisons { variant difference ciLow ciHigh relativeLift pValue adjustedPValue significant mannWhitneyPValue sequentialCiLow sequentialCiHigh }
          srm { pValue observed mismatch } samplesNeeded decision decisionCode }
        thumbs: results(metric: THUMBS) { comparisons { variant difference ciLow ciHigh pValue adjustedPValue } }
      } }`,
      { id: experiment.id },
    );
    expect(result.name).toBe(experiment.name);
    expect(result.variants).toEqual([
      { key: 'A', promptVersion: { template: 'Answer: {question}' } },
      { key: 'B', promptVersion: null },
      { key: 'C', promptVersion: null },
    ]);
    for (const summary of result.results.variants) {
      const e = fixture.expected.rating.variants[summary.variant];
      expect(summary.n).toBe(e.n);
      for (const field of ['mean', 'stddev', 'ciLow', 'ciHigh']) close(summary[field], e[field]);
    }
    for (const comparison of result.results.comparisons) {
      const e = fixture.expected.rating.comparisons[comparison.variant];
      for (const field of ['difference', 'ciLow', 'ciHigh', 'relativeLift', 'pValue', 'adjustedPValue', 'mannWhitneyPValue']) close(comparison[field], e[field]);
      expect(comparison.significant).toBe(e.adjustedPValue < 0.05);
      // The always-valid interval is wider than the fixed-horizon one.
      expect(comparison.sequentialCiLow).toBeLessThan(comparison.ciLow);
      expect(comparison.sequentialCiHigh).toBeGreaterThan(comparison.ciHigh);
    }
    for (const comparison of result.thumbs.comparisons) {
      const e = fixture.expected.thumbs.comparisons[comparison.variant];
      for (const field of ['difference', 'ciLow', 'ciHigh', 'pValue', 'adjustedPValue']) close(comparison[field], e[field]);
    }
    // No one was assigned through the experiment subgraph: no exposures, no mismatch.
    expect(result.results.srm).toEqual({ pValue: 1, observed: [0, 0, 0], mismatch: false });
    expect(result.results.decisionCode).toBe('GUARDRAIL_VIOLATED');
    expect(result.results.decision).toMatch(/^guardrail: C is significantly slower than A/);
  });

  it('gives feedbackSummary for a metric, and NOT_FOUND for an unknown experiment', async () => {
    const { feedbackSummary } = await gqlOk(`query($id: ID!) { feedbackSummary(experimentId: $id, metric: SCORE) { variant n mean stddev ciLow ciHigh } }`, { id: experiment.id });
    expect(feedbackSummary.map((s: { variant: string }) => s.variant)).toEqual(['A', 'B', 'C']);
    for (const s of feedbackSummary) for (const field of ['mean', 'stddev', 'ciLow', 'ciHigh']) close(s[field], fixture.expected.score.variants[s.variant][field]);
    const missing = await gql(`{ feedbackSummary(experimentId: "00000000-0000-0000-0000-000000000000") { n } }`);
    expect(codes(missing)).toEqual(['NOT_FOUND']);
  });
});

describe('logFeedbackBatch through the gateway', () => {
  it('counts a retried batch once', async () => {
    const { id, name } = await startedExperiment([{ key: 'A' }, { key: 'B' }]);
    const batch = Array.from({ length: 1000 }, (_, i) => ({ requestId: `${name}-${i}`, experimentId: id, variant: i % 2 ? 'B' : 'A', rating: 1 + (i % 5) }));
    expect(await logBatch(batch)).toEqual({ accepted: 1000, duplicates: 0, rejected: [] });
    expect(await logBatch(batch)).toEqual({ accepted: 0, duplicates: 1000, rejected: [] });
    const { feedbackSummary } = await gqlOk(`query($id: ID!) { feedbackSummary(experimentId: $id) { variant n mean } }`, { id });
    expect(feedbackSummary).toEqual([
      { variant: 'A', n: 500, mean: 3 },
      { variant: 'B', n: 500, mean: 3 },
    ]);
  });

  it('reports each bad item by index and code, and stores the good ones', async () => {
    const { id, name } = await startedExperiment([{ key: 'A' }, { key: 'B' }]);
    const good = (i: number) => ({ requestId: `${name}-ok-${i}`, experimentId: id, variant: 'B', rating: 5 });
    const result = await logBatch([
      good(0),
      { requestId: `${name}-1`, experimentId: id, variant: 'B', rating: 9 },
      { requestId: `${name}-2`, experimentId: id, variant: 'B', rating: 2.5 },
      { requestId: `${name}-3`, experimentId: id, variant: 'B', latencyMs: -10 },
      { requestId: `${name}-4`, experimentId: id, variant: 'X', rating: 3 },
      { requestId: `${name}-5`, experimentId: '00000000-0000-0000-0000-000000000000', variant: 'A', rating: 3 },
      { requestId: `${name}-6`, experimentId: id, variant: 'B', feedbackText: 'z'.repeat(20_001) },
      good(7),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'RATING_OUT_OF_RANGE'],
      [2, 'RATING_NOT_INTEGER'],
      [3, 'NEGATIVE_LATENCY'],
      [4, 'UNKNOWN_VARIANT'],
      [5, 'UNKNOWN_EXPERIMENT'],
      [6, 'TEXT_TOO_LONG'],
    ]);
    // NaN and Infinity cannot pass through the gateway (JSON has neither; the gateway refuses an overflowing
    // literal for the whole operation): the in-process test covers NOT_FINITE.
    const { feedbackSummary } = await gqlOk(`query($id: ID!) { feedbackSummary(experimentId: $id) { variant n mean } }`, { id });
    expect(feedbackSummary).toEqual([
      { variant: 'A', n: 0, mean: null },
      { variant: 'B', n: 2, mean: 5 },
    ]);
  });

  it('stores concurrent duplicate submissions once', async () => {
    const { id, name } = await startedExperiment([{ key: 'A' }, { key: 'B' }]);
    const items = Array.from({ length: 400 }, (_, i) => ({ requestId: `${name}-${i}`, experimentId: id, variant: i % 2 ? 'B' : 'A', thumbs: i % 4 === 0 }));
    const random = rng(3);
    const results = await Promise.all(Array.from({ length: 6 }, () => logBatch([...items].sort(() => random() - 0.5))));
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(400);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(5 * 400);
    const single = await Promise.all(Array.from({ length: 6 }, () => gqlOk(`mutation($input: LogFeedbackInput!) { logFeedback(input: $input) { id idempotencyKey } }`, {
      input: { requestId: `${name}-single`, experimentId: id, variant: 'A', thumbs: true },
    })));
    expect(new Set(single.map((r) => r.logFeedback.id)).size).toBe(1);
    expect(single[0].logFeedback.idempotencyKey).toBe(`${name}-single:USER`);
    const { feedbackSummary } = await gqlOk(`query($id: ID!) { feedbackSummary(experimentId: $id, metric: THUMBS) { variant n mean } }`, { id });
    expect(feedbackSummary).toEqual([
      { variant: 'A', n: 201, mean: 101 / 201 },
      { variant: 'B', n: 200, mean: 0 },
    ]);
  });

  it('keeps summaries equal to a from-scratch recomputation over the stored items after random concurrent inserts', async () => {
    const { id, name } = await startedExperiment([{ key: 'A' }, { key: 'B' }, { key: 'C' }]);
    // Each key's content is a function of the key, so whichever racing copy is stored is the same item.
    const itemOf = (k: number) => {
      const r = rng(k + 1);
      return { requestId: `${name}-${k}`, experimentId: id, variant: ['A', 'B', 'C'][k % 3], rating: 1 + Math.floor(r() * 5), score: Math.round(r() * 1e4) / 100 };
    };
    const random = rng(99);
    const batches = Array.from({ length: 10 }, () => Array.from({ length: 100 + Math.floor(random() * 400) }, () => itemOf(Math.floor(random() * 2000))));
    const results = await Promise.all(batches.map(logBatch));
    const stored = new Map(batches.flat().map((item) => [item.requestId, item]));
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(stored.size);
    const { rating, score } = await gqlOk(
      `query($id: ID!) { rating: feedbackSummary(experimentId: $id) { variant n mean stddev } score: feedbackSummary(experimentId: $id, metric: SCORE) { variant n mean stddev } }`,
      { id },
    );
    for (const [metric, summaries] of [['rating', rating], ['score', score]] as const) {
      for (const s of summaries) {
        const values = [...stored.values()].filter((item) => item.variant === s.variant).map((item) => item[metric]);
        const m = momentsOf(values);
        expect(s.n).toBe(m.n);
        close(s.mean, m.sum / m.n, 1e-12);
        close(s.stddev, Math.sqrt((m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1)), 1e-9);
      }
    }
  });
});

describe('sample-ratio check through the gateway', () => {
  it('flags a skewed set of first exposures made by assignBatch, with SciPy\'s p-value', async () => {
    for (const [name, set] of Object.entries(fixture.srm)) {
      const experiment = await startedExperiment([{ key: 'A', weight: 5 }, { key: 'B', weight: 3 }, { key: 'C', weight: 2 }]);
      // Pick units whose (seed-compatible) assignment fills the wanted counts per variant.
      const weights = normaliseWeights([5, 3, 2]);
      const wanted = [...set.observed];
      const units: string[] = [];
      for (let i = 0; wanted.some((w) => w > 0); i++) {
        const unitId = `u-${i}`;
        const picked = assign({ salt: experiment.name, unitId, weights });
        if (picked && wanted[picked.variantIndex] > 0) {
          wanted[picked.variantIndex]--;
          units.push(unitId);
        }
      }
      const { assignBatch } = await gqlOk(`mutation($e: String!, $u: [String!]!) { assignBatch(experiment: $e, unitIds: $u) { variant } }`, { e: experiment.name, u: units });
      expect(['A', 'B', 'C'].map((k) => assignBatch.filter((a: { variant: string }) => a.variant === k).length)).toEqual(set.observed);
      const { experiment: result } = await gqlOk(`query($id: ID!) { experiment(id: $id) { results { srm { pValue observed expected mismatch } decisionCode decision } } }`, { id: experiment.id });
      expect(result.results.srm.observed).toEqual(set.observed);
      result.results.srm.expected.forEach((e: number, i: number) => close(e, set.expected[i], 1e-9));
      close(result.results.srm.pValue, set.pValue);
      expect(result.results.srm.mismatch).toBe(name === 'skewed');
      expect(result.results.decisionCode).toBe(name === 'skewed' ? 'SAMPLE_RATIO_MISMATCH' : 'KEEP_RUNNING');
    }
  });
});

describe('logInteraction through the gateway', () => {
  it('links interaction and feedback by request id, resolves the prompt version, and is idempotent', async () => {
    const { registerPrompt } = await gqlOk(`mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { version { id } } }`, {
      input: { name: unique('fb-int-prompt'), template: 'Hi {name}' },
    });
    const { id, name } = await startedExperiment([{ key: 'A' }, { key: 'B' }]);
    const requestId = `${name}-req`;
    await gqlOk(`mutation($input: LogFeedbackInput!) { logFeedback(input: $input) { id } }`, { input: { requestId, rating: 5 } });
    const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { id requestId variant latencyMs costUsd promptVersion { id template } feedback { rating source } } }`;
    const input = { requestId, experimentId: id, variant: 'A', promptVersionId: registerPrompt.version.id, latencyMs: 120, costUsd: 0.001, input: { q: 1 }, output: 'ok' };
    const first = await gqlOk(LOG, { input });
    expect(first.logInteraction).toMatchObject({ requestId, variant: 'A', latencyMs: 120, promptVersion: { template: 'Hi {name}' }, feedback: [{ rating: 5, source: 'USER' }] });
    const again = await gqlOk(LOG, { input: { ...input, latencyMs: 999 } });
    expect(again.logInteraction.id).toBe(first.logInteraction.id);
    expect(again.logInteraction.latencyMs).toBe(120);
    const { feedbackSummary } = await gqlOk(`query($id: ID!) { feedbackSummary(experimentId: $id, metric: LATENCY) { variant n mean p50 } }`, { id });
    expect(feedbackSummary[0]).toMatchObject({ variant: 'A', n: 1, mean: 120 });
    expect(Math.abs(feedbackSummary[0].p50 - 120) / 120).toBeLessThanOrEqual(0.05);
    const bad = await gql(LOG, { input: { requestId: `${name}-bad`, experimentId: id, variant: 'Z' } });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0].extensions?.field).toBe('variant');
  });
});
