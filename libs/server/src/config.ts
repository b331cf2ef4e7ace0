import { z } from 'zod';

/** Raised at start-up when the environment is invalid; lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A TCP port from the environment; 0 asks the OS for a free one. */
export const portSchema = z.coerce.number().int().min(0).max(65535);

/** An integer from the environment within bounds. */
export const intSchema = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `on`/`off` (also true/false, 1/0) from the environment. */
export const switchSchema = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((value) => value === 'on' || value === 'true' || value === '1');

/** An http(s) URL from the environment. */
export const httpUrlSchema = z.string().refine((value) => /^https?:\/\/[^\s]+$/.test(value), 'expected an http:// or https:// URL');

/** Comma-separated list from the environment. */
export const listSchema = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** Settings every server reads. */
export const serverEnvShape = {
  PORT: portSchema.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body accepted, in bytes. */
  FLYWHEEL_MAX_BODY_BYTES: intSchema(1024, 512 * 1024 * 1024).default(16 * 1024 * 1024),
  /** How long in-flight requests get to finish after SIGTERM. */
  FLYWHEEL_SHUTDOWN_GRACE_MS: intSchema(0, 600_000).default(10_000),
  /** Browser origins allowed by CORS (Apollo Studio by default). */
  FLYWHEEL_CORS_ORIGINS: listSchema.default(['https://studio.apollographql.com']),
};

/** Authentication settings shared by the gateway and the subgraphs. */
export const authEnvShape = {
  /** `off` disables API keys: for local experiments only (a loud warning is logged). */
  FLYWHEEL_AUTH: switchSchema.default(true),
  /** Shared secret of the gateway's signed principal header; required while auth is on. */
  FLYWHEEL_GATEWAY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Labels and aliases only ADMIN keys may move. */
  FLYWHEEL_PROTECTED_LABELS: listSchema.default(['production', 'champion']),
};

/** Settings of every process that talks to the database. */
export const databaseEnvShape = {
  /** An external PostgreSQL; empty or unset means the embedded one. */
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'expected a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: intSchema(1, 1000).default(10),
  FLYWHEEL_DATA_DIR: z.string().min(1).default('.data'),
  FLYWHEEL_EMBEDDED_PG_PORT: portSchema.default(54329),
};

/**
 * Parses the environment against a zod shape.
 *
 * @throws {ConfigError} naming each invalid variable, its value and what was expected
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  // An empty variable means unset (as in `PORT= npm start`), so its default applies.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const value = env[key];
    return `${key}=${value === undefined ? '(unset)' : JSON.stringify(value)}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** The names of the variables a shape reads (for the manifest consistency check). */
export function configKeys(shape: z.ZodRawShape): string[] {
  return Object.keys(shape);
}
