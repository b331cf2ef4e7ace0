/**
 * Gateway overhead: throughput of a prompt query through the gateway against
 * the same query sent straight to the prompt subgraph (signed as the gateway
 * signs it), same run, rounds alternating so that load from elsewhere hits
 * both alike. Goal (issue 10): the gateway serves at least half the direct rate.
 */
import autocannon from 'autocannon';
import { signPrincipal } from '../libs/server/src/auth/principal';
import { benchRow, type BenchRow } from './bench-row';

const QUERY = `query Bench($name: String!) { prompt(name: $name) { name latest { number hash template modelConfig { model temperature } } } }`;

async function rps(url: string, headers: Record<string, string>, body: string, seconds: number, connections: number): Promise<number> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duration: seconds, connections });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`gateway bench: ${result.non2xx} non-2xx responses and ${result.errors} errors against ${url}`);
  return result.requests.average;
}

export async function runGatewayBench(options: {
  gatewayUrl: string;
  promptUrl: string;
  adminKey: string;
  gatewaySecret: string;
  seconds?: number;
  connections?: number;
}): Promise<BenchRow> {
  const seconds = options.seconds ?? Number(process.env.FLYWHEEL_BENCH_SECONDS ?? 10);
  const connections = options.connections ?? 32;
  const name = `bench-gateway-${Date.now()}`;
  const auth = { authorization: `Bearer ${options.adminKey}` };
  const registered = await fetch(options.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      query: `mutation($name: String!) { registerPrompt(input: { name: $name, template: "Summarize: {text}", modelConfig: { model: "gpt-4o-mini", temperature: 0.2 } }) { created } }`,
      variables: { name },
    }),
  });
  if (!registered.ok) throw new Error(`gateway bench: could not register the prompt (${registered.status})`);
  const body = JSON.stringify({ query: QUERY, variables: { name } });
  const signed = () => signPrincipal(options.gatewaySecret, { keyId: 'bench', name: 'bench', role: 'VIEWER' });
  // Warm both paths (query plans, JIT, connection pools) before measuring.
  await rps(options.promptUrl, signed(), body, 2, connections);
  await rps(options.gatewayUrl, auth, body, 2, connections);
  const direct: number[] = [];
  const gateway: number[] = [];
  for (let round = 0; round < 2; round += 1) {
    direct.push(await rps(options.promptUrl, signed(), body, seconds / 2, connections));
    gateway.push(await rps(options.gatewayUrl, auth, body, seconds / 2, connections));
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return benchRow({
    name: 'gateway',
    unit: 'req/s',
    ours: mean(gateway),
    baseline: mean(direct),
    goal: 0.5,
    better: 'higher',
    note: `prompt query, ${connections} connections: through the gateway vs the prompt subgraph directly`,
  });
}
