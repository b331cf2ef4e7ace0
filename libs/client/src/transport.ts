import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { FlywheelError, type GraphQLErrorBody } from './flywheel-error';

/** A generated typed document (libs/client/src/__generated__/graphql.ts). */
export type TypedDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & { toString(): string };

/** Which key a request uses: reads and writes, or the ingestion path (assign, feedback, interactions). */
export type KeyScope = 'default' | 'ingest';

export interface TransportOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** A narrower key for the ingestion path; `apiKey` when absent. */
  ingestApiKey?: string;
  /** Per-request timeout; a timeout is a NETWORK_ERROR (retryable). */
  timeoutMs: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** The fetch to use; the global one (Node 20) by default. */
  fetch?: typeof fetch;
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** The operation name of a document, for error messages. */
function operationName(document: string): string | null {
  return /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? null;
}

/**
 * GraphQL over HTTP to the gateway: `POST` JSON with a bearer key. Any
 * GraphQL error (or an answer without data) becomes a {@link FlywheelError}
 * with the first error's `extensions.code`; no answer at all is a
 * NETWORK_ERROR. It does not retry: callers that may retry (the ingestion
 * queue) decide with {@link FlywheelError.retryable}.
 */
export class Transport {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: TransportOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof this.fetchImpl !== 'function') throw new TypeError('Flywheel: no global fetch (Node 20 or later has one); pass options.fetch');
  }

  /** Runs one operation and returns its data; throws a {@link FlywheelError} on any error. */
  async request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables: TVariables, scope: KeyScope = 'default'): Promise<TResult> {
    const query = document.toString();
    const operation = operationName(query);
    const key = scope === 'ingest' ? (this.options.ingestApiKey ?? this.options.apiKey) : this.options.apiKey;
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}`, ...this.options.headers },
        body: JSON.stringify({ query, variables, operationName: operation ?? undefined }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      const reason = cause instanceof Error ? (cause.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (cause.cause as Error | undefined)?.message || cause.message) : String(cause);
      throw new FlywheelError(`${operation ?? 'request'}: Flywheel at ${this.options.url} is unreachable: ${reason}`, { code: 'NETWORK_ERROR', operation, cause });
    }
    let body: GraphQLBody<TResult> | null = null;
    try {
      body = (await response.json()) as GraphQLBody<TResult>;
    } catch (cause) {
      if (!response.ok) {
        throw new FlywheelError(`${operation ?? 'request'}: HTTP ${response.status} ${response.statusText}`, { code: 'HTTP_ERROR', status: response.status, operation, cause });
      }
      throw new FlywheelError(`${operation ?? 'request'}: the answer is not JSON`, { code: 'NETWORK_ERROR', status: response.status, operation, cause });
    }
    const errors = body?.errors ?? [];
    if (errors.length > 0) {
      const first = errors[0];
      const code = first.extensions?.code ?? (response.ok ? 'INTERNAL_SERVER_ERROR' : 'HTTP_ERROR');
      throw new FlywheelError(`${operation ?? 'request'}: ${first.message}`, { code, extensions: first.extensions, errors, status: response.status, operation });
    }
    if (!response.ok || body?.data == null) {
      throw new FlywheelError(`${operation ?? 'request'}: HTTP ${response.status} without data`, { code: 'HTTP_ERROR', status: response.status, operation });
    }
    return body.data;
  }
}
