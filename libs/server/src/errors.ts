import { GraphQLError } from 'graphql';

/**
 * The error codes of Flywheel's GraphQL contract (DESIGN.md), beside Apollo's
 * own (`GRAPHQL_VALIDATION_FAILED`, `INTERNAL_SERVER_ERROR`, …).
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/**
 * An error the client caused and can act on. Services throw the subclasses;
 * Apollo sends them as they are, with `extensions.code`. Anything else that
 * escapes a resolver is an internal error: logged with the request id and
 * returned without internals.
 */
export class FlywheelError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = new.target.name;
  }

  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

/** Invalid input; `field` names the argument or input field at fault when there is one. */
export class BadUserInputError extends FlywheelError {
  constructor(message: string, details: { field?: string; [key: string]: unknown } = {}) {
    super('BAD_USER_INPUT', message, details);
  }
}

/** The named object does not exist. */
export class NotFoundError extends FlywheelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NOT_FOUND', message, details);
  }
}

/** The write conflicts with what exists (a taken name, an immutable value). */
export class ConflictError extends FlywheelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

/** No valid credentials. */
export class UnauthenticatedError extends FlywheelError {
  constructor(message = 'Authentication required: send Authorization: Bearer <api key>') {
    super('UNAUTHENTICATED', message);
  }
}

/** Valid credentials without the role the operation needs. */
export class ForbiddenError extends FlywheelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, details);
  }
}
