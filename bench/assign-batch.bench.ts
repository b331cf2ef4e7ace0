/**
 * assignBatch speed: ms for one `assignBatch` of 10 000 ids through a running
 * gateway (HTTP, GraphQL, the experiment subgraph, exposures written), against
 * the in-process floor of the same work: `assignMany` over the same 10 000 ids
 * plus one raw `pg` multi-row insert of the 10 000 exposure rows.
 *
 *   FLYWHEEL_BENCH_URL=http://localhost:4000/graphql DATABASE_URL=postgres://… npx tsx bench/assign-batch.bench.ts
 *
 * Set FLYWHEEL_BENCH_API_KEY to an EDITOR or ADMIN key when the gateway asks for one.
 * DATABASE_URL must be the stack's database (the baseline inserts into the
 * same experiment_exposure table, with its indexes and foreign key). Every
 * round uses fresh unit ids, so both sides really write 10 000 exposures.
 * Exports `runAssignBatchBench(url)` for a later `npm run bench`. Goal: the
 * whole request within 3× the bare in-process cost (the gateway, HTTP and
 * GraphQL layers may add at most twice the work itself).
 */
import { runningAsScript } from './bench-row';
import { Client } from 'pg';
import { assignMany } from '../libs/core/src';

export interface AssignBatchBenchRow {
  name: 'assign-batch';
  unit: 'ms';
  ours: number;
  baseline: number;
  ratio: number;
  /** the largest acceptable ratio ours/baseline */
  goal: number;
  pass: boolean;
}

const SIZE = 10_000;
const ROUNDS = 5;
const GOAL = 3;

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const key = process.env.FLYWHEEL_BENCH_API_KEY;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Runs the benchmark against the gateway at `url`; every number comes from this one run. */
export async function runAssignBatchBench(url: string): Promise<AssignBatchBenchRow> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('runAssignBatchBench: set DATABASE_URL to the stack’s database (the baseline writes exposures there)');
  const name = `bench-assign-batch-${Date.now().toString(36)}`;
  const created = await post(url, `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id salt variants { weight } } }`, {
    input: { name, variants: [{ key: 'A' }, { key: 'B' }] },
  });
  const { id, salt } = created.createExperiment as { id: string; salt: string };
  const weights = (created.createExperiment.variants as Array<{ weight: number }>).map((variant) => variant.weight);
  await post(url, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id });

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const ours: number[] = [];
  const baseline: number[] = [];
  try {
    for (let round = -1; round < ROUNDS; round++) {
      // Round -1 warms up both paths and is not counted.
      const gatewayIds = Array.from({ length: SIZE }, (_, i) => `g${round}-${i}`);
      let start = performance.now();
      const result = await post(url, `mutation($e: String!, $ids: [String!]!) { assignBatch(experiment: $e, unitIds: $ids) { unitId variant bucket } }`, {
        e: name,
        ids: gatewayIds,
      });
      const gatewayMs = performance.now() - start;
      if ((result.assignBatch as unknown[]).length !== SIZE) throw new Error('assignBatch returned the wrong number of assignments');

      const localIds = Array.from({ length: SIZE }, (_, i) => `l${round}-${i}`);
      start = performance.now();
      const assigned = assignMany({ salt, unitIds: localIds, weights });
      const keys = ['A', 'B'];
      await client.query(
        `INSERT INTO experiment_exposure (experiment_id, unit_id, variant_key, forced)
         SELECT $1, u, v, false FROM unnest($2::text[], $3::text[]) AS x(u, v) ON CONFLICT DO NOTHING`,
        [id, localIds, assigned.map((assignment) => keys[assignment?.variantIndex ?? 0])],
      );
      const localMs = performance.now() - start;
      if (round >= 0) {
        ours.push(gatewayMs);
        baseline.push(localMs);
      }
    }
  } finally {
    await client.end();
  }
  const oursMs = median(ours);
  const baselineMs = median(baseline);
  const ratio = oursMs / baselineMs;
  return { name: 'assign-batch', unit: 'ms', ours: oursMs, baseline: baselineMs, ratio, goal: GOAL, pass: ratio <= GOAL };
}

if (runningAsScript('assign-batch.bench')) {
  const url = process.env.FLYWHEEL_BENCH_URL;
  if (!url) {
    console.error('set FLYWHEEL_BENCH_URL to a running gateway, e.g. http://localhost:4000/graphql');
    process.exit(2);
  }
  runAssignBatchBench(url).then(
    (row) => {
      console.log(`assignBatch of ${SIZE} ids, median of ${ROUNDS} rounds (node ${process.version})`);
      console.log(`ours (through the gateway) ${row.ours.toFixed(0)} ms, baseline (assignMany + raw insert) ${row.baseline.toFixed(0)} ms, ratio ${row.ratio.toFixed(2)} <= ${row.goal} ${row.pass ? 'pass' : 'FAIL'}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
