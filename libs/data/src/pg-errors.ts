/** PostgreSQL error codes the services translate into GraphQL errors. */
export const PG_ERROR = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = record.code ?? record.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a unique-constraint violation, raw from `pg` or wrapped by TypeORM. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (codeOf(error) !== PG_ERROR.uniqueViolation) return false;
  if (!constraint) return true;
  const record = error as { constraint?: string; driverError?: { constraint?: string } };
  return (record.constraint ?? record.driverError?.constraint) === constraint;
}

/** True for a foreign-key violation, raw from `pg` or wrapped by TypeORM. */
export function isForeignKeyViolation(error: unknown): boolean {
  return codeOf(error) === PG_ERROR.foreignKeyViolation;
}
