/**
 * Feedback ingestion: rows per second end to end through the gateway
 * (`logFeedbackBatch`, batches of 1 000: GraphQL over HTTP, the gateway, the
 * feedback subgraph's validation and experiment check, the insert with its
 * rollup update) against raw multi-row `INSERT … SELECT unnest(...)` of the same
 * rows into the same `feedback` table with `pg` (no validation, no rollup), in
 * the same run, rounds interleaved so that load from other processes hits both.
 *
 *   FLYWHEEL_BENCH_URL=http://127.0.0.1:4000/graphql DATABASE_URL=postgres://… npx tsx bench/ingest.bench.ts
 *
 * Both sides send with the same number of concurrent producers
 * (FLYWHEEL_BENCH_INGEST_CONCURRENCY, default 4: an ingestion tier is several
 * product backends at once, and the raw side gets as many connections).
 *
 * Goal (issue 5): at least 50 % of the raw rate. FLYWHEEL_BENCH_BATCHES sets
 * the batches per side and round (default 12; 3 rounds).
 */
import { runningAsScript } from './bench-row';
import { Client } from 'pg';
import { benchEnv, gql, median, startedExperiment, type FeedbackBenchRow } from './feedback-bench-support';

const BATCH_SIZE = 1000;

interface Item {
  requestId: string;
  experimentId: string;
  variant: string;
  rating: number;
  thumbs: boolean;
  latencyMs: number;
}

function batchOf(experimentId: string, prefix: string, batch: number): Item[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => {
    const k = batch * BATCH_SIZE + i;
    return { requestId: `${prefix}-${k}`, experimentId, variant: k % 2 ? 'B' : 'A', rating: 1 + (k % 5), thumbs: k % 3 === 0, latencyMs: 100 + (k % 900) };
  });
}

const RAW_INSERT = `
  INSERT INTO feedback (idempotency_key, request_id, experiment_id, variant, rating, thumbs, latency_ms, source)
  SELECT k, r, e, v, ra, t, l, 'USER'
  FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::smallint[], $6::boolean[], $7::float8[]) AS u(k, r, e, v, ra, t, l)`;

/** Runs the comparison (`apiKey`: an ADMIN key when authentication is on); returns one row with both rates (rows/s) and ours/raw. */
export async function runIngestBench(url: string, databaseUrl: string, apiKey = process.env.FLYWHEEL_BENCH_API_KEY): Promise<FeedbackBenchRow> {
  const batches = Number(process.env.FLYWHEEL_BENCH_BATCHES ?? 12);
  const concurrency = Number(process.env.FLYWHEEL_BENCH_INGEST_CONCURRENCY ?? 4);
  const rounds = 3;
  const experiment = await startedExperiment(url, 'bench-ingest', apiKey);
  const clients = Array.from({ length: concurrency }, () => new Client({ connectionString: databaseUrl }));
  await Promise.all(clients.map((client) => client.connect()));
  const client = clients[0];
  /** Sends `batches` batches with `concurrency` producers, each taking the next batch when done. */
  const drive = async (send: (producer: number, batch: number) => Promise<void>) => {
    let taken = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, producer) => {
        while (taken < batches) {
          taken += 1;
          await send(producer, next++);
        }
      }),
    );
  };
  const ours: number[] = [];
  const raw: number[] = [];
  let next = 0;
  try {
    // Warm up both paths (connections, JIT, plans).
    await gqlBatch(url, apiKey, batchOf(experiment.id, `${experiment.name}-warm`, next++));
    await rawBatch(client, batchOf(experiment.id, `${experiment.name}-rawwarm`, next++));
    for (let round = 0; round < rounds; round++) {
      let start = process.hrtime.bigint();
      await drive((_, batch) => gqlBatch(url, apiKey, batchOf(experiment.id, `${experiment.name}-gw`, batch)));
      ours.push((batches * BATCH_SIZE) / (Number(process.hrtime.bigint() - start) / 1e9));
      start = process.hrtime.bigint();
      await drive((producer, batch) => rawBatch(clients[producer], batchOf(experiment.id, `${experiment.name}-raw`, batch)));
      raw.push((batches * BATCH_SIZE) / (Number(process.hrtime.bigint() - start) / 1e9));
    }
  } finally {
    await Promise.all(clients.map((each) => each.end()));
  }
  const oursRate = median(ours);
  const baseline = median(raw);
  const ratio = oursRate / baseline;
  return { name: 'ingest', unit: 'rows/s', ours: Math.round(oursRate), baseline: Math.round(baseline), ratio: Number(ratio.toFixed(3)), goal: 0.5, pass: ratio >= 0.5 };
}

async function gqlBatch(url: string, apiKey: string | undefined, items: Item[]): Promise<void> {
  const { logFeedbackBatch } = await gql(url, `mutation($inputs: [LogFeedbackInput!]!) { logFeedbackBatch(inputs: $inputs) { accepted duplicates rejected { index } } }`, { inputs: items }, apiKey);
  if (logFeedbackBatch.accepted !== items.length) throw new Error(`expected ${items.length} accepted, got ${JSON.stringify(logFeedbackBatch)}`);
}

async function rawBatch(client: Client, items: Item[]): Promise<void> {
  await client.query(RAW_INSERT, [
    items.map((i) => `${i.requestId}:USER`),
    items.map((i) => i.requestId),
    items.map((i) => i.experimentId),
    items.map((i) => i.variant),
    items.map((i) => i.rating),
    items.map((i) => i.thumbs),
    items.map((i) => i.latencyMs),
  ]);
}

if (runningAsScript('ingest.bench')) {
  const { url, databaseUrl } = benchEnv();
  runIngestBench(url, databaseUrl)
    .then((row) => {
      console.log('name    unit    ours    baseline  ratio  goal  pass');
      console.log(`${row.name}  ${row.unit}  ${row.ours}  ${row.baseline}  ${row.ratio}  ≥${row.goal}  ${row.pass}`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
