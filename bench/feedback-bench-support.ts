/**
 * Shared pieces of the feedback benchmarks: a GraphQL client for the gateway,
 * an experiment created and started through it, and the result row shape.
 */

export interface FeedbackBenchRow {
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  ratio: number;
  goal: number;
  pass: boolean;
}

/** Posts one operation to the gateway; throws on any GraphQL error. */
export async function gql<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  apiKey: string | undefined = process.env.FLYWHEEL_BENCH_API_KEY,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // With authentication on, the key (an ADMIN key) is sent as the bearer token.
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A running two-variant experiment (A control, B treatment), made through the gateway as a client would. */
export async function startedExperiment(url: string, prefix: string, apiKey?: string): Promise<{ id: string; name: string }> {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const { createExperiment } = await gql(url, `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
    input: { name, variants: [{ key: 'A' }, { key: 'B' }] },
  }, apiKey);
  await gql(url, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id: createExperiment.id }, apiKey);
  return { id: createExperiment.id, name };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** The settings both benchmarks take from the environment when run on their own. */
export function benchEnv(): { url: string; databaseUrl: string } {
  const url = process.env.FLYWHEEL_BENCH_URL;
  const databaseUrl = process.env.DATABASE_URL;
  if (!url || !databaseUrl) {
    console.error('Set FLYWHEEL_BENCH_URL (the gateway, e.g. http://127.0.0.1:4000/graphql) and DATABASE_URL (the same database the stack uses); FLYWHEEL_BENCH_API_KEY when authentication is on.');
    process.exit(2);
  }
  return { url, databaseUrl };
}
