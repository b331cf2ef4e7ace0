import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, valueFromASTUntyped, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { ANONYMOUS_ADMIN, type Principal } from '@flywheel/server';
import type { ApiKeyService } from './access/api-key.service';
import type { AuditService } from './access/audit.service';
import type { GatewayContext } from './gateway';

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * Authenticates a request once, at the edge. A missing key gives a `null`
 * principal, which may only introspect the schema (Apollo Studio needs that);
 * a wrong or revoked key is refused outright.
 */
export function authenticator(options: { auth: boolean; apiKeys: ApiKeyService }) {
  return async (req: IncomingMessage): Promise<Principal | null> => {
    if (!options.auth) return ANONYMOUS_ADMIN;
    const header = req.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated('Authorization must be "Bearer <api key>"');
    const principal = await options.apiKeys.authenticate(match[1]);
    if (!principal) throw unauthenticated('Unknown or revoked API key');
    return principal;
  };
}

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && (selection.name.value === '__schema' || selection.name.value === '__type' || selection.name.value === '__typename'),
  );
}

/** Refuses every operation of an unauthenticated request except schema introspection. */
export function requireKeyPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (contextValue.principal === null && (!operation || !isIntrospectionOnly(operation))) {
            throw unauthenticated('Authentication required: send Authorization: Bearer <api key>');
          }
        },
      };
    },
  };
}

/** Records every mutation field (who, what, when, the target, and whether it worked) in the audit log. */
export function auditPlugin(audit: AuditService): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, request, response }) {
          if (!operation || operation.operation !== 'mutation') return;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const selection of operation.selectionSet.selections) {
            if (selection.kind !== Kind.FIELD) continue;
            const field = selection as FieldNode;
            const responseKey = field.alias?.value ?? field.name.value;
            const failure = errors.find((error) => error.path?.[0] === responseKey || (!error.path && errors.length));
            const args = Object.fromEntries((field.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, request.variables ?? {})]));
            audit.record({
              principal: contextValue.principal ?? null,
              operation: field.name.value,
              target: args,
              success: !failure,
              errorCode: failure ? String(failure.extensions?.code ?? 'ERROR') : null,
              requestId: contextValue.requestId,
            });
          }
        },
      };
    },
  };
}
