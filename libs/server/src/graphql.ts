import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Logger } from 'pino';
import { enforceAccess } from './auth/enforce';
import type { Principal } from './auth/principal';

/** Resolvers of the `DateTime` and `JSON` scalars every subgraph declares. */
export const scalarResolvers = { DateTime: DateTimeResolver, JSON: JSONResolver };

/** What every request context carries. */
export interface RequestContext extends BaseContext {
  requestId: string;
  logger: Logger;
  /** The authenticated caller (see AccessContext for what `undefined` means). */
  principal?: Principal | null;
  /** Labels and aliases only ADMIN may move. */
  protectedLabels?: ReadonlySet<string>;
}

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Keeps client errors as they are and hides everything else: an unexpected
 * error reaches the client as `INTERNAL_SERVER_ERROR` with the request id to
 * quote, never a stack trace or an SQL message.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (original instanceof GraphQLError && original.extensions?.code && CLIENT_CODES.has(String(original.extensions.code))) {
    return formatted;
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** Logs every unexpected error with the request id that the client was told. */
export function errorLoggingPlugin<TContext extends RequestContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (typeof code === 'string' && CLIENT_CODES.has(code)) continue;
            const original = unwrapResolverError(error);
            if (original instanceof GraphQLError && CLIENT_CODES.has(String(original.extensions?.code))) continue;
            contextValue.logger?.error({ err: original, requestId: contextValue.requestId, operationName, path: error.path }, 'unexpected error');
          }
        },
      };
    },
  };
}

/**
 * The executable schema of a subgraph with the graph's access rules applied:
 * every subgraph (and the gateway's local access subgraph) goes through here.
 */
export function buildSecuredSubgraphSchema(typeDefs: DocumentNode, resolvers: object): GraphQLSchema {
  type ResolverMap = Parameters<typeof buildSubgraphSchema>[0] extends infer M ? (M extends { resolvers?: infer R } ? R : never) : never;
  return enforceAccess(buildSubgraphSchema({ typeDefs, resolvers: resolvers as ResolverMap }));
}

/** Builds a federated subgraph's Apollo Server from its schema and resolvers. */
export function createSubgraphApollo<TContext extends RequestContext>(options: {
  typeDefs: DocumentNode;
  /** The merged resolver map (typed per subgraph by GraphQL Code Generator). */
  resolvers: object;
  plugins?: ApolloServerPlugin<TContext>[];
  introspection?: boolean;
}): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    // Every subgraph gets the graph's access rules by construction.
    schema: buildSecuredSubgraphSchema(options.typeDefs, options.resolvers),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection ?? true,
    // Inline traces are for Apollo's hosted usage reporting, which Flywheel does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled(), errorLoggingPlugin<TContext>(), ...(options.plugins ?? [])],
  });
}
