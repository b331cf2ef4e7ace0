// A minimal GraphQL-over-HTTP client for the end-to-end tests.

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> & { code?: string } }>;
}

export interface RequestOptions {
  url?: string;
  headers?: Record<string, string>;
  /** The API key to send; the stack's ADMIN key by default, `null` for none. */
  apiKey?: string | null;
}

export function gatewayUrl(): string {
  const url = process.env.FLYWHEEL_TEST_GATEWAY_URL;
  if (!url) throw new Error('FLYWHEEL_TEST_GATEWAY_URL is not set: the stack global setup did not run');
  return url;
}

/** The ADMIN key of the test stack (FLYWHEEL_BOOTSTRAP_ADMIN_KEY). */
export function adminKey(): string {
  const key = process.env.FLYWHEEL_TEST_ADMIN_KEY;
  if (!key) throw new Error('FLYWHEEL_TEST_ADMIN_KEY is not set: the stack global setup did not run');
  return key;
}

/**
 * Posts one operation to the gateway (or `url`) and returns status, data and
 * errors. It authenticates with the stack's ADMIN key unless `apiKey` says
 * otherwise (`null`: no Authorization header at all).
 */
export async function gql<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const apiKey = options.apiKey === undefined ? adminKey() : options.apiKey;
  const response = await fetch(options.url ?? gatewayUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...options.headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Like {@link gql} but fails the test on any error, returning data. */
export async function gqlOk<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
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
