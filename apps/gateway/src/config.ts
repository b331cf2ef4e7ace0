import { z } from 'zod';
import { authEnvShape, databaseEnvShape, httpUrlSchema, intSchema, serverEnvShape, switchSchema } from '@flywheel/server';

/** The gateway's environment. */
export const gatewayEnvShape = {
  ...serverEnvShape,
  ...databaseEnvShape,
  ...authEnvShape,
  /** Makes this secret a valid ADMIN key (created at start if absent). */
  FLYWHEEL_BOOTSTRAP_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How long an API key check is cached: a revocation takes effect within this time. */
  FLYWHEEL_KEY_CACHE_MS: intSchema(0, 300_000).default(5_000),
  /** The composed supergraph to serve; defaults to the one built beside the gateway. */
  FLYWHEEL_SUPERGRAPH_PATH: z.string().optional(),
  /** Per-subgraph URL overrides of the supergraph's routing URLs. */
  SUBGRAPH_PROMPT_URL: httpUrlSchema.optional(),
  SUBGRAPH_EXPERIMENT_URL: httpUrlSchema.optional(),
  SUBGRAPH_FEEDBACK_URL: httpUrlSchema.optional(),
  SUBGRAPH_MODEL_REGISTRY_URL: httpUrlSchema.optional(),
  /** Introspection (Apollo Studio / Sandbox needs it); `off` to hide the schema. */
  FLYWHEEL_INTROSPECTION: switchSchema.default(true),
  /** Keep-alive sockets per subgraph. */
  FLYWHEEL_SUBGRAPH_MAX_SOCKETS: intSchema(1, 10_000).default(256),
  /** Query limits (GraphQL Armor): nesting depth, cost, aliases, tokens, directives. */
  FLYWHEEL_MAX_DEPTH: intSchema(1, 100).default(12),
  FLYWHEEL_MAX_COST: intSchema(1, 1_000_000).default(20_000),
  FLYWHEEL_MAX_ALIASES: intSchema(1, 1000).default(30),
  FLYWHEEL_MAX_TOKENS: intSchema(100, 1_000_000).default(5_000),
  FLYWHEEL_MAX_DIRECTIVES: intSchema(1, 1000).default(50),
};

/** The URL override env variable of a subgraph, e.g. model-registry → SUBGRAPH_MODEL_REGISTRY_URL. */
export function subgraphUrlVariable(name: string): string {
  return `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
