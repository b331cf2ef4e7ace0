// What the client's end-to-end tests share: the running stack (started once by
// the gateway's global setup), raw GraphQL for checking what the server
// stored, API keys of each role, and a TCP proxy that can cut the connection.
import { createServer, connect, type Server, type Socket } from 'node:net';

export function gatewayUrl(): string {
  const url = process.env.FLYWHEEL_TEST_GATEWAY_URL;
  if (!url) throw new Error('FLYWHEEL_TEST_GATEWAY_URL is not set: the stack global setup did not run');
  return url;
}

export function adminKey(): string {
  const key = process.env.FLYWHEEL_TEST_ADMIN_KEY;
  if (!key) throw new Error('FLYWHEEL_TEST_ADMIN_KEY is not set: the stack global setup did not run');
  return key;
}

/** Raw GraphQL with the ADMIN key (or `apiKey`): the independent view of what the server holds. */
export async function gqlOk<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, apiKey = adminKey()): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(gatewayUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors, null, 2)}`);
  return body.data;
}

/** A new API key of `role` (createApiKey needs ADMIN). */
export async function createKey(role: 'VIEWER' | 'INGEST' | 'EDITOR' | 'ADMIN'): Promise<string> {
  const data = await gqlOk<{ createApiKey: { secret: string } }>(`mutation ($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { secret } }`, {
    name: unique(`client-test-${role.toLowerCase()}`),
    role,
  });
  return data.createApiKey.secret;
}

/** A unique name, so test files sharing one stack never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The global fetch, counting requests per operation name (to show what the SDK did and did not send). */
export function countingFetch(): { fetch: typeof fetch; counts: Map<string, number>; total(): number } {
  const counts = new Map<string, number>();
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    fetch: async (input, init) => {
      const operation = (JSON.parse(String(init?.body ?? '{}')) as { operationName?: string }).operationName ?? '?';
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return fetch(input, init);
    },
  };
}

/**
 * A TCP proxy in front of the gateway, for real network faults: `close()`
 * refuses connections (Flywheel unreachable) until `open()`, and
 * `dropResponses(n)` lets the next n requests reach the gateway but cuts the
 * connection before their answers come back (the case where only an
 * idempotency key prevents double counting).
 */
export class FaultyProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private toDrop = 0;
  port = 0;

  async open(): Promise<void> {
    const target = new URL(gatewayUrl());
    const server = createServer((client) => {
      this.sockets.add(client);
      const upstream = connect(Number(target.port), target.hostname);
      this.sockets.add(upstream);
      let dropping = false;
      client.on('data', (chunk) => {
        if (!dropping && this.toDrop > 0 && chunk.toString('latin1').startsWith('POST ')) {
          this.toDrop--;
          dropping = true;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (dropping) client.destroy();
        else client.write(chunk);
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  /** The gateway URL through this proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  dropResponses(count: number): void {
    this.toDrop = count;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
