import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, parse, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { errorLoggingPlugin, formatError, signPrincipal, type Principal, type RequestContext } from '@flywheel/server';
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

/**
 * Refuses documents of more than `maxTokens` tokens before Apollo parses
 * them (graphql-js stops counting at the limit, so a huge document costs no
 * more than the limit). It runs only when the document is not cached yet. Any
 * other syntax error is left to Apollo's own parse, which answers 400.
 */
export function tokenLimitPlugin(maxTokens: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          if (source === undefined) return;
          try {
            parse(source, { maxTokens });
          } catch (error) {
            if (error instanceof GraphQLError && /token limit/i.test(error.message)) {
              throw new GraphQLError(`Document has more than ${maxTokens} tokens (FLYWHEEL_MAX_TOKENS)`, {
                extensions: { code: 'BAD_USER_INPUT', limit: 'FLYWHEEL_MAX_TOKENS', http: { status: 400 } },
              });
            }
          }
        },
      };
    },
  };
}

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
  // Apollo raises this one (an automatic persisted query whose hash is not its query's) as an internal error.
  if (/provided sha does not match query/i.test(formatted.message)) {
    return { message: 'The persisted query hash does not match the query sent with it', extensions: { code: 'BAD_REQUEST' } };
  }
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

  const signatures = new SignatureCache(options.gatewaySecret ?? '');
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
            for (const [key, value] of Object.entries(signatures.of(context.principal))) headers.set(key, value);
          }
        },
      });
    },
  });
  const armor = new ApolloArmor({
    maxDepth: { n: options.limits.maxDepth, ignoreIntrospection: true },
    costLimit: { maxCost: options.limits.maxCost, ignoreIntrospection: true },
    maxAliases: { n: options.limits.maxAliases },
    // Armor's token limit re-parses in a hook whose errors become HTTP 500s,
    // syntax errors included; tokenLimitPlugin below does it properly.
    maxTokens: { enabled: false },
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
    plugins: [
      // Apollo Sandbox in the browser whatever NODE_ENV says (production mode would replace it
      // with a page pointing to Studio); without introspection there is nothing for it to show.
      options.introspection ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
      errorLoggingPlugin<GatewayContext>(),
      tokenLimitPlugin(options.limits.maxTokens),
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      ...options.plugins,
    ],
  });
  return {
    apollo,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Signed principal headers, reused for a minute per principal: a request
 * fans out to several subgraphs and a key makes many requests, while a
 * signature stays valid for SIGNATURE_MAX_AGE_MS (5 minutes).
 */
class SignatureCache {
  private readonly cache = new Map<string, { headers: Record<string, string>; expires: number }>();

  constructor(private readonly secret: string) {}

  of(principal: Principal): Record<string, string> {
    const key = `${principal.keyId}\u0000${principal.role}\u0000${principal.name}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) return cached.headers;
    if (this.cache.size > 10_000) this.cache.clear();
    const headers = signPrincipal(this.secret, principal, now);
    this.cache.set(key, { headers, expires: now + 60_000 });
    return headers;
  }
}

/** Headers of the client request that subgraphs see (never the API key itself). */
export function forwardHeaders(requestId: string): Record<string, string> {
  return { 'x-request-id': requestId };
}

/** Subgraph names and routing URLs of a composed supergraph. */
export function subgraphsOf(supergraphSdl: string): Array<{ name: string; url: string }> {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map(([, name, url]) => ({ name, url }));
}
