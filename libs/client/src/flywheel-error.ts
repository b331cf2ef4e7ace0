/** One GraphQL error as the gateway returns it. */
export interface GraphQLErrorBody {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown> & { code?: string };
}

/**
 * Codes a {@link FlywheelError} carries: the server's `extensions.code`
 * (`BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`, `UNAUTHENTICATED`, `FORBIDDEN`,
 * `INTERNAL_SERVER_ERROR`, Apollo's own …) or one of the client's:
 * `NETWORK_ERROR` (no HTTP answer: refused, reset, DNS, timeout) and
 * `HTTP_ERROR` (an HTTP error without a GraphQL body).
 */
export type FlywheelErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK_ERROR'
  | 'HTTP_ERROR'
  | (string & {});

/**
 * Everything the SDK throws or reports: the first GraphQL error's message and
 * `extensions.code` (and all errors in `errors`), or a network failure.
 */
export class FlywheelError extends Error {
  override readonly name = 'FlywheelError';
  /** `extensions.code` of the first error, or NETWORK_ERROR / HTTP_ERROR. */
  readonly code: FlywheelErrorCode;
  /** The first error's extensions (e.g. `field` for BAD_USER_INPUT). */
  readonly extensions: Record<string, unknown>;
  /** Every GraphQL error of the response. */
  readonly errors: GraphQLErrorBody[];
  /** The HTTP status, when there was an answer. */
  readonly status: number | null;
  /** The operation that failed. */
  readonly operation: string | null;

  constructor(
    message: string,
    options: { code: FlywheelErrorCode; extensions?: Record<string, unknown>; errors?: GraphQLErrorBody[]; status?: number | null; operation?: string | null; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.extensions = options.extensions ?? { code: options.code };
    this.errors = options.errors ?? [];
    this.status = options.status ?? null;
    this.operation = options.operation ?? null;
  }

  /** The input field at fault, for BAD_USER_INPUT. */
  get field(): string | undefined {
    return typeof this.extensions.field === 'string' ? this.extensions.field : undefined;
  }

  /**
   * Whether trying again may succeed: no answer at all, an HTTP 5xx or 429, or
   * an INTERNAL_SERVER_ERROR (the server's 500, e.g. its database restarting).
   * Bad input, missing objects, conflicts and auth failures never get better.
   */
  get retryable(): boolean {
    return (
      this.code === 'NETWORK_ERROR' ||
      this.code === 'INTERNAL_SERVER_ERROR' ||
      (this.status !== null && (this.status >= 500 || this.status === 429))
    );
  }
}

/** Whether `error` is a {@link FlywheelError} worth retrying (anything else is a bug: not retried). */
export function isRetryable(error: unknown): boolean {
  return error instanceof FlywheelError && error.retryable;
}
