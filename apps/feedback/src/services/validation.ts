import { BadUserInputError } from '@flywheel/server';

// Input rules of the feedback subgraph. Single operations raise a
// BAD_USER_INPUT naming the field; batch items are rejected one by one with a
// code (FeedbackRejectionCode in schema.graphql).

export const MAX_BATCH = 5_000;
export const MAX_KEY_LENGTH = 256;
export const MAX_FEEDBACK_TEXT = 20_000;
export const MAX_OUTPUT_LENGTH = 1_000_000;
export const MAX_INPUT_BYTES = 1024 * 1024;
export const MAX_METADATA_BYTES = 64 * 1024;

export type RejectionCode =
  | 'RATING_OUT_OF_RANGE'
  | 'RATING_NOT_INTEGER'
  | 'NEGATIVE_LATENCY'
  | 'NOT_FINITE'
  | 'UNKNOWN_EXPERIMENT'
  | 'UNKNOWN_VARIANT'
  | 'EXPERIMENT_AND_VARIANT_REQUIRED'
  | 'TEXT_TOO_LONG'
  | 'NUL_CHARACTER'
  | 'INVALID_KEY'
  | 'EMPTY_FEEDBACK';

/** Why an input was refused: a code for batches, a field for single operations. */
export class Rejection {
  constructor(
    readonly code: RejectionCode,
    readonly field: string,
    readonly message: string,
  ) {}

  toError(): BadUserInputError {
    return new BadUserInputError(this.message, { field: this.field, rejection: this.code });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed UUID; other ids cannot exist, so lookups skip the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A key such as requestId: 1–256 characters, no U+0000. */
export function checkKey(value: string, field: string): Rejection | null {
  if (value.length === 0 || value.length > MAX_KEY_LENGTH) {
    return new Rejection('INVALID_KEY', field, `${field} must be 1–${MAX_KEY_LENGTH} characters; got ${value.length}`);
  }
  if (value.includes('\u0000')) return nul(field);
  return null;
}

/** Optional text up to `max` characters without U+0000 (PostgreSQL text cannot hold it). */
export function checkText(value: string | null | undefined, field: string, max: number): Rejection | null {
  if (value == null) return null;
  if (value.length > max) return new Rejection('TEXT_TOO_LONG', field, `${field} is ${value.length} characters long; the limit is ${max}`);
  if (value.includes('\u0000')) return nul(field);
  return null;
}

/** An optional finite number, non-negative when `nonNegative`. */
export function checkNumber(value: number | null | undefined, field: string, nonNegative: boolean): Rejection | null {
  if (value == null) return null;
  if (!Number.isFinite(value)) return new Rejection('NOT_FINITE', field, `${field} must be a finite number; got ${value}`);
  if (nonNegative && value < 0) {
    return new Rejection(field === 'latencyMs' ? 'NEGATIVE_LATENCY' : 'NOT_FINITE', field, `${field} must not be negative; got ${value}`);
  }
  return null;
}

/** A rating: an integer from 1 to 5. */
export function checkRating(value: number | null | undefined): Rejection | null {
  if (value == null) return null;
  if (!Number.isFinite(value)) return new Rejection('NOT_FINITE', 'rating', `rating must be a finite number; got ${value}`);
  if (!Number.isInteger(value)) return new Rejection('RATING_NOT_INTEGER', 'rating', `rating must be an integer from 1 to 5; got ${value}`);
  if (value < 1 || value > 5) return new Rejection('RATING_OUT_OF_RANGE', 'rating', `rating must be from 1 to 5; got ${value}`);
  return null;
}

/** Optional JSON up to `maxBytes`, without U+0000. Throws (single operations only). */
export function checkJson(value: unknown, field: string, maxBytes: number): void {
  if (value === undefined || value === null) return;
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > maxBytes) throw new BadUserInputError(`${field} is larger than ${maxBytes} bytes of JSON`, { field, limit: maxBytes });
  if (text.includes('\\u0000')) throw nul(field).toError();
}

function nul(field: string): Rejection {
  return new Rejection('NUL_CHARACTER', field, `${field} contains a NUL character (U+0000), which cannot be stored`);
}
