/**
 * Experiment results at scale: the time of an `Experiment.results` query
 * through the gateway for an experiment with `small` feedback rows against one
 * with `large` rows, in the same run. Results read per-variant rollups, so the
 * two should take about the same time (goal: large/small ≤ 1.5).
 *
 *   FLYWHEEL_BENCH_URL=http://127.0.0.1:4000/graphql DATABASE_URL=postgres://… \
 *   FLYWHEEL_BENCH_ROWS=10000000 npx tsx bench/results.bench.ts
 *
 * Rows are seeded straight in SQL (`generate_series`) in chunks of 1 M, each
 * chunk one statement that inserts the rows and folds the inserted ones into
 * `feedback_rollup` with the service's own rollup SQL (`rollup-sql.ts`). Both experiments get the same 2 000 exposures through
 * `assignBatch`, so the sample-ratio check is part of the timing.
 */
import { runningAsScript } from './bench-row';
import { Client } from 'pg';
import { feedbackRollupCtes } from '../apps/feedback/src/services/rollup-sql';
import { benchEnv, gql, median, startedExperiment, type FeedbackBenchRow } from './feedback-bench-support';

const CHUNK = 1_000_000;

// Same rollup maintenance as the service's insert: the CTEs come from the service's own module.
const SEED = `
  WITH inserted AS (
    INSERT INTO feedback (idempotency_key, request_id, experiment_id, variant, rating, thumbs, latency_ms, source)
    SELECT $1 || ':' || g, $1 || '-' || g, $2::uuid, CASE WHEN g % 2 = 0 THEN 'A' ELSE 'B' END,
           1 + (g * 7919) % 5, (g % 3) = 0, 50 + (g * 104729) % 2000, 'USER'
    FROM generate_series($3::bigint, $4::bigint) AS g
    RETURNING experiment_id, variant, rating, score, thumbs, latency_ms
  ),
  ${feedbackRollupCtes('inserted')}
  SELECT count(*) FROM inserted`;

const RESULTS = `query($id: ID!) { experiment(id: $id) { name variants { key } results {
  variants { variant n mean stddev ciLow ciHigh ratingCounts }
  comparisons { variant difference ciLow ciHigh pValue adjustedPValue significant sequentialCiLow mannWhitneyPValue probabilityToBeatControl }
  srm { pValue observed mismatch } samplesNeeded guardrails { variant violated } decision } } }`;

/** Seeds both experiments, then times the results query at each size (median of interleaved runs, ms). */
export async function runResultsBench(
  url: string,
  databaseUrl: string,
  sizes: { small: number; large: number },
  apiKey = process.env.FLYWHEEL_BENCH_API_KEY,
): Promise<FeedbackBenchRow> {
  const small = await startedExperiment(url, 'bench-results-small', apiKey);
  const large = await startedExperiment(url, 'bench-results-large', apiKey);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [experiment, rows] of [[small, sizes.small], [large, sizes.large]] as const) {
      const start = Date.now();
      for (let from = 1; from <= rows; from += CHUNK) {
        await client.query(SEED, [experiment.name, experiment.id, from, Math.min(rows, from + CHUNK - 1)]);
      }
      await gql(url, `mutation($e: String!, $u: [String!]!) { assignBatch(experiment: $e, unitIds: $u) { variant } }`, {
        e: experiment.name,
        u: Array.from({ length: 2000 }, (_, i) => `unit-${i}`),
      }, apiKey);
      console.error(`seeded ${rows} rows for ${experiment.name} in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
    await client.query('ANALYZE feedback');
    const [{ n }] = (await client.query(`SELECT n FROM feedback_rollup_total WHERE experiment_id = $1 AND metric = 'RATING' AND variant = 'A'`, [large.id])).rows;
    if (Number(n) !== Math.ceil(sizes.large / 2) && Number(n) !== Math.floor(sizes.large / 2)) throw new Error(`rollup of the large experiment has n = ${n}`);
  } finally {
    await client.end();
  }
  const time = async (id: string) => {
    const start = process.hrtime.bigint();
    await gql(url, RESULTS, { id }, apiKey);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < 10; i++) await Promise.all([time(small.id), time(large.id)]); // warm up
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    smallMs.push(await time(small.id));
    largeMs.push(await time(large.id));
  }
  const ours = median(largeMs);
  const baseline = median(smallMs);
  const ratio = ours / baseline;
  return {
    name: `results ${sizes.large} vs ${sizes.small} rows`,
    unit: 'ms/query',
    ours: Number(ours.toFixed(2)),
    baseline: Number(baseline.toFixed(2)),
    ratio: Number(ratio.toFixed(3)),
    goal: 1.5,
    pass: ratio <= 1.5,
  };
}

if (runningAsScript('results.bench')) {
  const { url, databaseUrl } = benchEnv();
  runResultsBench(url, databaseUrl, { small: 10_000, large: Number(process.env.FLYWHEEL_BENCH_ROWS ?? 10_000_000) })
    .then((row) => {
      console.log('name    unit    ours(large)    baseline(small)  ratio  goal  pass');
      console.log(`${row.name}  ${row.unit}  ${row.ours}  ${row.baseline}  ${row.ratio}  ≤${row.goal}  ${row.pass}`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
