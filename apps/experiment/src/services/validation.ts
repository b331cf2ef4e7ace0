import { BadUserInputError } from '@flywheel/server';

// Input rules of the experiment subgraph. Each failure is a BAD_USER_INPUT
// naming the field, raised before any write.

/** Same charset as prompt names, so an experiment can be named after its prompt. */
export const EXPERIMENT_NAME = /^[A-Za-z0-9._/-]{1,128}$/;
export const VARIANT_KEY = /^[A-Za-z0-9._-]{1,64}$/;
export const LAYER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const MAX_VARIANTS = 100;
export const MAX_SALT_LENGTH = 256;
export const MAX_UNIT_ID_LENGTH = 512;
export const MAX_BATCH = 10_000;
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_CONFIG_BYTES = 64 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed UUID; other ids cannot exist, so lookups skip the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function checkUuid(value: string, field: string): void {
  if (!isUuid(value)) throw new BadUserInputError(`${field} must be a UUID; got ${JSON.stringify(value.slice(0, 80))}`, { field });
}

export function checkExperimentName(name: string, field = 'name'): void {
  if (!EXPERIMENT_NAME.test(name)) {
    throw new BadUserInputError(
      `${field} must be 1–128 characters of letters, digits, '.', '_', '-' and '/'; got ${JSON.stringify(name.slice(0, 140))}`,
      { field },
    );
  }
}

export function checkVariantKey(key: string, field: string): void {
  if (!VARIANT_KEY.test(key)) {
    throw new BadUserInputError(`${field} must be 1–64 characters of letters, digits, '.', '_' and '-'; got ${JSON.stringify(key.slice(0, 80))}`, { field });
  }
}

/** PostgreSQL text and jsonb cannot hold U+0000; say so instead of failing in the driver. */
export function checkText(value: string | null | undefined, field: string, maxLength = MAX_TEXT_LENGTH, minLength = 0): void {
  if (value == null) return;
  if (value.length < minLength) throw new BadUserInputError(`${field} must have at least ${minLength} character(s)`, { field });
  if (value.length > maxLength) {
    throw new BadUserInputError(`${field} is ${value.length} characters long; the limit is ${maxLength}`, { field, limit: maxLength });
  }
  if (value.includes('\u0000')) throw new BadUserInputError(`${field} contains a NUL character (U+0000), which cannot be stored`, { field });
}

export function checkJson(value: unknown, field: string, maxBytes = MAX_CONFIG_BYTES): void {
  if (value === undefined || value === null) return;
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > maxBytes) {
    throw new BadUserInputError(`${field} is larger than ${maxBytes} bytes of JSON (64 KiB)`, { field, limit: maxBytes });
  }
  if (text.includes('\\u0000')) throw new BadUserInputError(`${field} contains a NUL character (U+0000), which cannot be stored`, { field });
}

/** A traffic allocation: a fraction in (0, 1]. */
export function checkAllocation(value: number, field = 'trafficAllocation'): void {
  if (!(Number.isFinite(value) && value > 0 && value <= 1)) {
    throw new BadUserInputError(`${field} must be greater than 0 and at most 1; got ${value}`, { field });
  }
}

export function checkLayer(layer: { name: string; start: number; end: number }, field = 'layer'): void {
  if (!LAYER_NAME.test(layer.name)) {
    throw new BadUserInputError(`${field}.name must be 1–64 characters of letters, digits, '.', '_' and '-'; got ${JSON.stringify(layer.name.slice(0, 80))}`, {
      field: `${field}.name`,
    });
  }
  if (!(Number.isFinite(layer.start) && layer.start >= 0 && layer.start < 1)) {
    throw new BadUserInputError(`${field}.start must lie in [0, 1); got ${layer.start}`, { field: `${field}.start` });
  }
  if (!(Number.isFinite(layer.end) && layer.end > layer.start && layer.end <= 1)) {
    throw new BadUserInputError(`${field}.end must lie in (start, 1], i.e. (${layer.start}, 1]; got ${layer.end}`, { field: `${field}.end` });
  }
}

export function checkUnitId(unitId: string, field: string): void {
  if (unitId.length === 0) throw new BadUserInputError(`${field} must not be empty`, { field });
  checkText(unitId, field, MAX_UNIT_ID_LENGTH);
}

