import { z } from 'zod';
import { httpUrlSchema, serverEnvShape, switchSchema } from '@flywheel/server';

/** The gateway's environment. */
export const gatewayEnvShape = {
  ...serverEnvShape,
  /** The composed supergraph to serve; defaults to the one built beside the gateway. */
  FLYWHEEL_SUPERGRAPH_PATH: z.preprocess((value) => (value === '' ? undefined : value), z.string().optional()),
  /** Per-subgraph URL overrides of the supergraph's routing URLs. */
  SUBGRAPH_PROMPT_URL: httpUrlSchema.optional(),
  SUBGRAPH_EXPERIMENT_URL: httpUrlSchema.optional(),
  SUBGRAPH_FEEDBACK_URL: httpUrlSchema.optional(),
  SUBGRAPH_MODEL_REGISTRY_URL: httpUrlSchema.optional(),
  /** Introspection (Apollo Studio / Sandbox needs it); `off` to hide the schema. */
  FLYWHEEL_INTROSPECTION: switchSchema.default(true),
  /** Keep-alive sockets per subgraph. */
  FLYWHEEL_SUBGRAPH_MAX_SOCKETS: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(1).max(10_000)).default(256),
};

export type GatewayConfig = ReturnType<typeof import('@flywheel/server').loadConfig<typeof gatewayEnvShape>>;

/** The URL override env variable of a subgraph, e.g. model-registry → SUBGRAPH_MODEL_REGISTRY_URL. */
export function subgraphUrlVariable(name: string): string {
  return `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
