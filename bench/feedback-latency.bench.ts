/**
 * Single-event latency under load: 200 concurrent connections each sending
 * one `logFeedback` at a time through the gateway, against a bare node:http
 * server that inserts the same row into the same table with `pg` (no GraphQL,
 * no rollups, no auth), same run. Goal (issue 10): p99 at most 3× the bare server's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { benchRow, type BenchRow } from './bench-row';

interface Context {
  gatewayUrl: string;
  databaseUrl: string;
  adminKey: string;
  quick: boolean;
}

async function gql(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<Record<string, { id: string }>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: Record<string, { id: string }>; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`feedback-latency bench: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The baseline: the least a service can do per event, an INSERT through a pool. */
async function startBareServer(databaseUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 20 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const item = JSON.parse(Buffer.concat(chunks).toString()).variables.input;
      pool
        .query(
          `INSERT INTO feedback (idempotency_key, request_id, experiment_id, variant, rating, source)
           VALUES ($1, $2, $3, $4, $5, 'USER') ON CONFLICT (idempotency_key) DO NOTHING`,
          [item.idempotencyKey, item.requestId, item.experimentId, item.variant, item.rating],
        )
        .then(
          () => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"data":{"logFeedback":{"ok":true}}}');
          },
          (error: Error) => {
            res.writeHead(500);
            res.end(error.message);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

const MUTATION = `mutation Log($input: LogFeedbackInput!) { logFeedback(input: $input) { id } }`;

async function p50p99(url: string, headers: Record<string, string>, experimentId: string, seconds: number): Promise<{ p50: number; p99: number; rps: number }> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 200,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        setupRequest: (request) => {
          const id = randomUUID();
          const input = { requestId: id, idempotencyKey: id, experimentId, variant: Math.random() < 0.5 ? 'A' : 'B', rating: 1 + Math.floor(Math.random() * 5) };
          return { ...request, body: JSON.stringify({ query: MUTATION, variables: { input } }) };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`feedback-latency bench: ${result.non2xx} non-2xx and ${result.errors} errors against ${url}`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

export async function runFeedbackLatencyBench(context: Context): Promise<BenchRow[]> {
  const seconds = context.quick ? 3 : Number(process.env.FLYWHEEL_BENCH_SECONDS ?? 10);
  const name = `bench-latency-${Date.now()}`;
  const { createExperiment } = await gql(
    context.gatewayUrl,
    context.adminKey,
    `mutation($name: String!) { createExperiment(input: { name: $name, variants: [{ key: "A", weight: 1 }, { key: "B", weight: 1 }] }) { id } }`,
    { name },
  );
  await gql(context.gatewayUrl, context.adminKey, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id: createExperiment.id });
  const bare = await startBareServer(context.databaseUrl);
  try {
    // Warm both paths, then measure them one after the other.
    await p50p99(bare.url, {}, createExperiment.id, 1);
    await p50p99(context.gatewayUrl, { authorization: `Bearer ${context.adminKey}` }, createExperiment.id, 1);
    const baseline = await p50p99(bare.url, {}, createExperiment.id, seconds);
    const ours = await p50p99(context.gatewayUrl, { authorization: `Bearer ${context.adminKey}` }, createExperiment.id, seconds);
    const note = `200 concurrent single logFeedback; gateway ${ours.rps.toFixed(0)} req/s vs bare ${baseline.rps.toFixed(0)} req/s`;
    return [
      benchRow({ name: 'feedback-latency-p50', unit: 'ms', ours: ours.p50, baseline: baseline.p50, goal: 3, better: 'lower', note }),
      benchRow({ name: 'feedback-latency-p99', unit: 'ms', ours: ours.p99, baseline: baseline.p99, goal: 3, better: 'lower', note }),
    ];
  } finally {
    await bare.close();
  }
}
