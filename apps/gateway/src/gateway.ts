import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import nodeFetch, { type RequestInit } from 'node-fetch';
import { errorLoggingPlugin, formatError, type RequestContext } from '@flywheel/server';

export interface GatewayContext extends RequestContext {
  /** Headers of the client request that are forwarded to subgraphs. */
  forwardHeaders: Record<string, string>;
}

/** Headers a subgraph gets from the client request. */
const FORWARDED = ['authorization', 'x-request-id'];

/**
 * The federated gateway over a composed supergraph. Subgraph calls reuse
 * keep-alive sockets: the stock fetcher opens a connection per call, which
 * on this hot path costs more than the subgraph's own work.
 */
export function createGateway(options: { supergraphSdl: string; urlOverrides: Record<string, string | undefined>; maxSockets: number; introspection: boolean }) {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 });
  const fetcher = ((url: string, init?: RequestInit) =>
    nodeFetch(url, { ...init, agent: (parsed: URL) => (parsed.protocol === 'https:' ? httpsAgent : httpAgent) })) as unknown as typeof fetch;

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url: options.urlOverrides[name] ?? url,
        fetcher: fetcher as never,
        willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
          if (!context?.forwardHeaders) return;
          for (const [key, value] of Object.entries(context.forwardHeaders) as Array<[string, string]>) request.http?.headers.set(key, value);
        },
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    csrfPrevention: true,
    plugins: [errorLoggingPlugin<GatewayContext>()],
  });
  return {
    apollo,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** Picks the forwarded headers out of a client request. */
export function forwardHeaders(headers: Record<string, string | string[] | undefined>, requestId: string): Record<string, string> {
  const forwarded: Record<string, string> = { 'x-request-id': requestId };
  for (const name of FORWARDED) {
    const value = headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  forwarded['x-request-id'] = requestId;
  return forwarded;
}

/** Subgraph names and routing URLs of a composed supergraph. */
export function subgraphsOf(supergraphSdl: string): Array<{ name: string; url: string }> {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map(([, name, url]) => ({ name, url }));
}
