import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from 'pino';

/**
 * Extra routes beside `/graphql`, `/health` and `/ready`, e.g. a download route.
 * A key is an exact path, or a prefix ending in `*` (`/datasets/*`) that matches every path under it.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface HttpServerOptions<TContext extends BaseContext> {
  name: string;
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context; `requestId` is already chosen. */
  context: (args: { req: IncomingMessage; requestId: string; body: unknown }) => Promise<TContext>;
  /** Database reachable and migrations applied. */
  ready: () => Promise<boolean>;
  logger: Logger;
  port: number;
  host?: string;
  maxBodyBytes: number;
  shutdownGraceMs: number;
  routes?: Record<string, RouteHandler>;
  /** Browser origins allowed to call (CORS); others get no CORS headers. */
  corsOrigins?: readonly string[];
  /** Runs after the HTTP server has drained (close pools, stop Apollo). */
  onShutdown?: () => Promise<void>;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then runs onShutdown. */
  shutdown(reason?: string): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

/**
 * Serves an Apollo Server on node:http directly: `/graphql` (POST, and GET
 * for Sandbox/introspection), `/health` (liveness), `/ready` (database and
 * migrations), plus any extra routes. Lean on purpose: no framework between
 * the socket and Apollo on the hottest path of every request.
 */
export async function startHttpServer<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
): Promise<RunningHttpServer> {
  const { apollo, logger } = options;
  let draining = false;
  let inFlight = 0;
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = validRequestId(headerValue(req, 'x-request-id')) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    const origin = headerValue(req, 'origin');
    if (origin && options.corsOrigins?.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
    }
    inFlight += 1;
    try {
      if (draining) {
        res.setHeader('connection', 'close');
        return sendJson(res, 503, { status: 'shutting down' });
      }
      if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: options.name });
      if (url.pathname === '/ready') {
        const ready = await options.ready().catch(() => false);
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', service: options.name });
      }
      if (url.pathname === '/graphql' || url.pathname === '/') {
        return await handleGraphql(req, res, url, requestId);
      }
      const route = options.routes?.[url.pathname] ?? prefixRoute(options.routes, url.pathname);
      if (route) return await route(req, res, url);
      sendJson(res, 404, { error: `no route ${url.pathname}; GraphQL is at /graphql` });
    } catch (error) {
      if (error instanceof HttpError) {
        sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      } else {
        logger.error({ err: error, requestId }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: `Internal server error (request id ${requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      }
    } finally {
      inFlight -= 1;
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req, options.maxBodyBytes);
      const contentType = headers.get('content-type') ?? '';
      if (contentType.startsWith('application/json') || contentType.includes('+json')) {
        try {
          body = text.length ? JSON.parse(text) : undefined;
        } catch {
          throw new HttpError(400, 'Request body is not valid JSON', 'BAD_REQUEST');
        }
      } else {
        body = text;
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => options.context({ req, requestId, body }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  logger.info({ port }, `${options.name} listening on ${url}`);

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') => {
    shuttingDown ??= (async () => {
      draining = true;
      logger.info({ reason, inFlight }, `${options.name} draining`);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + options.shutdownGraceMs;
      while (inFlight > 0 && Date.now() < deadline) await delay(25);
      // Whatever is still open after the grace period is cut.
      for (const socket of sockets) socket.destroy();
      await closed;
      await options.onShutdown?.();
      logger.info(`${options.name} stopped`);
    })();
    return shuttingDown;
  };
  return { server, port, url, shutdown };
}

/** The handler of the longest `prefix*` route key that `pathname` starts with. */
function prefixRoute(routes: Record<string, RouteHandler> | undefined, pathname: string): RouteHandler | undefined {
  let found: { prefix: string; handler: RouteHandler } | undefined;
  for (const [key, handler] of Object.entries(routes ?? {})) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (pathname.startsWith(prefix) && (!found || prefix.length > found.prefix.length)) found = { prefix, handler };
  }
  return found?.handler;
}

/** A client-chosen request id is echoed into logs, so only a short, plain one is accepted. */
function validRequestId(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, `Request body of ${declared} bytes exceeds the limit of ${limit} bytes (FLYWHEEL_MAX_BODY_BYTES)`, 'PAYLOAD_TOO_LARGE');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, `Request body exceeds the limit of ${limit} bytes (FLYWHEEL_MAX_BODY_BYTES)`, 'PAYLOAD_TOO_LARGE');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Installs SIGTERM/SIGINT handlers that run `shutdown` once and exit. */
export function exitOnSignals(shutdown: (reason: string) => Promise<void>, logger: Logger): void {
  let exiting = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      shutdown(signal)
        .then(() => process.exit(0))
        .catch((error) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}
