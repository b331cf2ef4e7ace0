// The lean HTTP integration: health, readiness, body limits, errors without
// internals, and draining on shutdown. A tiny real Apollo Server over HTTP.
import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import { createLogger } from './logger';
import { formatError, errorLoggingPlugin, type RequestContext } from './graphql';
import { BadUserInputError } from './errors';
import { startHttpServer, type RunningHttpServer } from './http-server';

let ready = true;
let release: () => void = () => undefined;
let server: RunningHttpServer;

beforeAll(async () => {
  const apollo = new ApolloServer<RequestContext>({
    typeDefs: parse(`type Query { ok: String, bad: String, boom: String, slow: String }`),
    resolvers: {
      Query: {
        ok: () => 'yes',
        bad: () => {
          throw new BadUserInputError('nope', { field: 'x' });
        },
        boom: () => {
          throw new Error('SELECT secret FROM internals failed');
        },
        slow: () => new Promise<string>((resolve) => (release = () => resolve('done'))),
      },
    },
    formatError,
    plugins: [errorLoggingPlugin()],
  });
  await apollo.start();
  server = await startHttpServer({
    name: 'test',
    apollo,
    context: async ({ requestId }) => ({ requestId, logger: createLogger('test', 'silent') }),
    ready: async () => ready,
    logger: createLogger('test', 'silent'),
    port: 0,
    host: '127.0.0.1',
    maxBodyBytes: 1024,
    shutdownGraceMs: 5000,
    routes: {
      '/exact': (_req, res) => void res.end('exact'),
      '/files/*': (_req, res, url) => void res.end(`files:${url.pathname}`),
      '/files/special/*': (_req, res, url) => void res.end(`special:${url.pathname}`),
    },
    onShutdown: () => apollo.stop(),
  });
});

interface Body {
  data: Record<string, unknown>;
  errors: Array<{ message: string; extensions: Record<string, unknown> }>;
}

const json = async (response: Response) => (await response.json()) as Body;

const post = (body: unknown) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('startHttpServer', () => {
  it('answers /health and /ready', async () => {
    const base = server.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    ready = false;
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    ready = true;
  });

  it('serves GraphQL and keeps client error codes', async () => {
    const response = await post({ query: '{ ok bad }' });
    const body = await json(response);
    expect(body.data.ok).toBe('yes');
    expect(body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'x' });
    expect(response.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('hides internals of unexpected errors', async () => {
    const body = await json(await post({ query: '{ boom }' }));
    expect(body.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('rejects bodies over the limit with 413 and malformed JSON with 400', async () => {
    const big = await post({ query: `{ ok } # ${'x'.repeat(2000)}` });
    expect(big.status).toBe(413);
    expect((await json(big)).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const malformed = await post('{"query": ');
    expect(malformed.status).toBe(400);
  });

  it('serves extra routes by exact path or by the longest matching prefix', async () => {
    const base = server.url.replace('/graphql', '');
    expect(await (await fetch(`${base}/exact`)).text()).toBe('exact');
    expect((await fetch(`${base}/exact/more`)).status).toBe(404);
    expect(await (await fetch(`${base}/files/a.jsonl?x=1`)).text()).toBe('files:/files/a.jsonl');
    expect(await (await fetch(`${base}/files/special/b`)).text()).toBe('special:/files/special/b');
    expect((await fetch(`${base}/file`)).status).toBe(404);
  });

  it('lets an in-flight request finish on shutdown and refuses new connections', async () => {
    const inFlight = post({ query: '{ slow }' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = server.shutdown('test');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const body = await json(await inFlight);
    expect(body.data.slow).toBe('done');
    await stopped;
    await expect(post({ query: '{ ok }' })).rejects.toThrow();
  });
});
