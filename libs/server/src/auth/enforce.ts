import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { Principal } from './principal';
import { requiredRole, roleSatisfies } from './roles';

/** The part of a request context that access control reads. */
export interface AccessContext {
  /**
   * The caller. `null` means unauthenticated. The HTTP boundary of every
   * subgraph always sets it (from the gateway's signature); only in-process
   * callers such as tests leave it `undefined`, and they are trusted.
   */
  principal?: Principal | null;
  protectedLabels?: ReadonlySet<string>;
}

/**
 * Wraps every root field of a schema with the graph's access rule
 * ({@link requiredRole}): one check at the boundary, in every subgraph,
 * instead of checks scattered through resolvers. Errors never say whether the
 * object exists, because the check runs before the resolver looks.
 */
export function enforceAccess(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, AccessContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        if (context && context.principal !== undefined) {
          const principal = context.principal;
          if (!principal) throw new UnauthenticatedError();
          const required = requiredRole(type.name, field.name, args, context.protectedLabels);
          if (!roleSatisfies(principal.role, required)) {
            throw new ForbiddenError(`${type.name}.${field.name} needs the ${required} role; this key has ${principal.role}`, {
              requiredRole: required,
            });
          }
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
