/**
 * Roles of API keys. VIEWER reads; EDITOR also writes prompts, experiments,
 * feedback and runs; ADMIN also manages keys and moves protected labels and
 * aliases. INGEST is the narrow key a product's backend embeds: it may only
 * assign units and log interactions and feedback, and reads nothing.
 */
export const ROLES = ['VIEWER', 'INGEST', 'EDITOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Which roles satisfy a requirement. INGEST is not below VIEWER: it is a different scope. */
const SATISFIES: Record<Role, readonly Role[]> = {
  VIEWER: ['VIEWER', 'EDITOR', 'ADMIN'],
  INGEST: ['INGEST', 'EDITOR', 'ADMIN'],
  EDITOR: ['EDITOR', 'ADMIN'],
  ADMIN: ['ADMIN'],
};

/** A requirement: a role, or ANY authenticated key. */
export type Requirement = Role | 'ANY';

/** True when a principal with role `held` may do what needs `required`. */
export function roleSatisfies(held: Role, required: Requirement): boolean {
  return required === 'ANY' || SATISFIES[required].includes(held);
}

/** The labels and aliases only ADMIN may move (`FLYWHEEL_PROTECTED_LABELS`). */
export const DEFAULT_PROTECTED_LABELS = ['production', 'champion'];

/**
 * What a root field needs, given its arguments. Fields not listed need VIEWER
 * (queries) or EDITOR (mutations); that default is what every subgraph gets by
 * construction, so a new mutation is never open to readers by accident.
 */
export type AccessRule = Requirement | ((args: Record<string, unknown>, protectedLabels: ReadonlySet<string>) => Requirement);

const protectedTarget =
  (argument: string): AccessRule =>
  (args, protectedLabels) =>
    typeof args[argument] === 'string' && protectedLabels.has(args[argument] as string) ? 'ADMIN' : 'EDITOR';

/** The one access table of the whole graph, keyed `Type.field`. */
export const ACCESS_RULES: Readonly<Record<string, AccessRule>> = {
  // The ingestion path of a product's backend.
  'Mutation.assign': 'INGEST',
  'Mutation.assignBatch': 'INGEST',
  'Mutation.logInteraction': 'INGEST',
  'Mutation.logFeedback': 'INGEST',
  'Mutation.logFeedbackBatch': 'INGEST',
  // Protected pointers: who moves production moves what users see.
  'Mutation.setPromptLabel': protectedTarget('label'),
  'Mutation.setModelAlias': protectedTarget('alias'),
  'Mutation.deleteModelAlias': protectedTarget('alias'),
  'Mutation.transitionModelVersionStage': (args) => (args.stage === 'PRODUCTION' ? 'ADMIN' : 'EDITOR'),
  // Keys and the audit log.
  'Mutation.createApiKey': 'ADMIN',
  'Mutation.revokeApiKey': 'ADMIN',
  'Query.apiKeys': 'ADMIN',
  'Query.auditLog': 'ADMIN',
  // Federation plumbing, reached only through the gateway. Entities continue a
  // query whose root field was authorised already, but they are how one
  // subgraph reads another's objects: an INGEST key, which reads nothing, must
  // not read prompt templates through `assign { details { promptVersion { template } } }`.
  'Query._entities': 'VIEWER',
  'Query._service': 'ANY',
};

/** The role a root field needs for these arguments. */
export function requiredRole(
  typeName: string,
  fieldName: string,
  args: Record<string, unknown>,
  protectedLabels: ReadonlySet<string> = new Set(DEFAULT_PROTECTED_LABELS),
): Requirement {
  const rule = ACCESS_RULES[`${typeName}.${fieldName}`];
  if (typeof rule === 'function') return rule(args, protectedLabels);
  if (rule) return rule;
  return typeName === 'Mutation' ? 'EDITOR' : 'VIEWER';
}
