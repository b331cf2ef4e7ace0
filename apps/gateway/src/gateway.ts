import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { errorLoggingPlugin, formatError, signPrincipal, type RequestContext } from '@flywheel/server';
import { SubgraphDataSource } from './subgraph-data-source';

export interface GatewayContext extends RequestContext {
  /** Headers of the client request that are forwarded to subgraphs. */
  forwardHeaders: Record<string, string>;
}

/** Query limits enforced before planning (GraphQL Armor). */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
}

/** The subgraph the gateway serves in-process: API keys and the audit log. */
export const ACCESS_SUBGRAPH = 'access';

const NON_FINITE = 'Non-finite number literal';

/**
 * Refuses number literals that overflow to Infinity (`1e999`): the planner
 * cannot print them into subgraph operations, and no field means them.
 */
export const finiteNumberLiterals: ValidationRule = (context) => ({
  FloatValue(node) {
    if (!Number.isFinite(Number(node.value))) context.reportError(new GraphQLError(`${NON_FINITE} ${node.value}: numbers must be finite`, { nodes: [node] }));
  },
  IntValue(node) {
    if (!Number.isFinite(Number(node.value))) context.reportError(new GraphQLError(`${NON_FINITE} ${node.value}: numbers must be finite`, { nodes: [node] }));
  },
});

const LIMIT_MESSAGES: Array<[RegExp, string]> = [
  [/depth limit/i, 'FLYWHEEL_MAX_DEPTH'],
  [/cost limit/i, 'FLYWHEEL_MAX_COST'],
  [/aliases limit/i, 'FLYWHEEL_MAX_ALIASES'],
  [/token limit/i, 'FLYWHEEL_MAX_TOKENS'],
  [/directives limit/i, 'FLYWHEEL_MAX_DIRECTIVES'],
];

/**
 * The gateway's error formatting: a query over a limit is the client's to fix,
 * so it is a BAD_USER_INPUT naming the limit (GraphQL Armor reports it as a
 * validation failure).
 */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') {
    if (formatted.message.startsWith(NON_FINITE)) return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
    const limit = LIMIT_MESSAGES.find(([pattern]) => pattern.test(formatted.message));
    if (limit) {
      return { message: formatted.message.replace(/^Syntax Error: /, ''), extensions: { code: 'BAD_USER_INPUT', limit: limit[1] } };
    }
  }
  return formatError(formatted, error);
}

/**
 * The federated gateway over a composed supergraph. Subgraph calls reuse
 * keep-alive sockets through a lean data source (the stock fetcher's per-call
 * connections and fetch objects cost more than the subgraph's own work), and carry the caller's principal signed with the
 * gateway secret, which is all a subgraph trusts.
 */
export function createGateway(options: {
  supergraphSdl: string;
  urlOverrides: Record<string, string | undefined>;
  maxSockets: number;
  introspection: boolean;
  gatewaySecret: string | undefined;
  accessSchema: GraphQLSchema;
  limits: QueryLimits;
  plugins: ApolloServerPlugin<GatewayContext>[];
}) {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 });

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      if (name === ACCESS_SUBGRAPH) return new LocalGraphQLDataSource(options.accessSchema);
      return new SubgraphDataSource<GatewayContext>({
        url: options.urlOverrides[name] ?? url,
        agents: { http: httpAgent, https: httpsAgent },
        willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
          const headers = request.http?.headers;
          if (!headers || !context?.forwardHeaders) return;
          for (const [key, value] of Object.entries(context.forwardHeaders) as Array<[string, string]>) headers.set(key, value);
          if (context.principal && options.gatewaySecret) {
            for (const [key, value] of Object.entries(signPrincipal(options.gatewaySecret, context.principal))) headers.set(key, value);
          }
        },
      });
    },
  });
  const armor = new ApolloArmor({
    maxDepth: { n: options.limits.maxDepth, ignoreIntrospection: true },
    costLimit: { maxCost: options.limits.maxCost, ignoreIntrospection: true },
    maxAliases: { n: options.limits.maxAliases },
    maxTokens: { n: options.limits.maxTokens },
    maxDirectives: { n: options.limits.maxDirectives },
    // Field suggestions help people in Sandbox; the schema is public to introspection anyway.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatGatewayError,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: [finiteNumberLiterals, ...armor.validationRules],
    plugins: [errorLoggingPlugin<GatewayContext>(), ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]), ...options.plugins],
  });
  return {
    apollo,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** Headers of the client request that subgraphs see (never the API key itself). */
export function forwardHeaders(requestId: string): Record<string, string> {
  return { 'x-request-id': requestId };
}

/** Subgraph names and routing URLs of a composed supergraph. */
export function subgraphsOf(supergraphSdl: string): Array<{ name: string; url: string }> {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map(([, name, url]) => ({ name, url }));
}
