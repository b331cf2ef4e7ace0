// A minimal GraphQL-over-HTTP client for the end-to-end tests.

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> & { code?: string } }>;
}

export function gatewayUrl(): string {
  const url = process.env.FLYWHEEL_TEST_GATEWAY_URL;
  if (!url) throw new Error('FLYWHEEL_TEST_GATEWAY_URL is not set: the stack global setup did not run');
  return url;
}

/** Posts one operation to the gateway (or `url`) and returns status, data and errors. */
export async function gql<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  query: string,
  variables: Record<string, unknown> = {},
  options: { url?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(options.url ?? gatewayUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Like {@link gql} but fails the test on any error, returning data. */
export async function gqlOk<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  query: string,
  variables: Record<string, unknown> = {},
  options: { url?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const result = await gql<T>(query, variables, options);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  }
  return result.data;
}

/** The `extensions.code` of each error, for compact assertions. */
export function codes(result: GraphQLResponse): Array<string | undefined> {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

/** A unique name for this test run, so tests sharing one stack never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
