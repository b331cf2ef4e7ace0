import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { actorOf, buildSecuredSubgraphSchema, scalarResolvers } from '@flywheel/server';
import type { Resolvers } from './__generated__/resolvers-types';
import { auditCursor } from './audit.service';

const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    apiKeys: (_parent, _args, { apiKeys }) => apiKeys.list(),
    auditLog: async (_parent, args, { audit }) => {
      const page = await audit.list(args);
      const last = page.nodes[page.nodes.length - 1];
      return { nodes: page.nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? auditCursor(last) : null } };
    },
  },
  Mutation: {
    createApiKey: (_parent, { name, role }, { apiKeys, principal }) => apiKeys.create(name, role, actorOf(principal)),
    revokeApiKey: (_parent, { id }, { apiKeys }) => apiKeys.revoke(id),
  },
};

/**
 * The schema of the access subgraph, which the gateway serves in-process
 * (LocalGraphQLDataSource): key management needs no service of its own, and
 * goes through the same access rules as every subgraph.
 */
export function accessSchemaFile(): string {
  // The build copies src/access/schema.graphql beside the bundle as access.graphql.
  return __filename.endsWith('.ts') ? join(__dirname, 'schema.graphql') : join(__dirname, 'access.graphql');
}

export function createAccessSchema() {
  return buildSecuredSubgraphSchema(parse(readFileSync(accessSchemaFile(), 'utf8')), resolvers);
}
