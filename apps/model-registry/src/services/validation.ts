import { BadUserInputError } from '@flywheel/server';

// Input rules of the model registry and run tracking. Each failure is a
// BAD_USER_INPUT naming the field (and the limit), raised before any write.

/** Model and project names, as prompt names. */
export const NAME = /^[A-Za-z0-9._/-]{1,128}$/;
/** Aliases: MLflow's rule of thumb, minus `latest` and `v<number>`, which mean versions. */
export const ALIAS = /^[A-Za-z0-9_-]{1,64}$/;
/** Keys of params, metrics and tags (MLflow's characters, and its 250-character limit). */
export const KEY = /^[A-Za-z0-9_\-./: ]{1,250}$/;
export const MAX_PARAM_VALUE = 6_000;
export const MAX_TAG_VALUE = 5_000;
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_SOURCE_LENGTH = 2_048;
export const MAX_JSON_BYTES = 64 * 1024;
/** Largest text artifact: 1 MiB of UTF-8. */
export const MAX_ARTIFACT_BYTES = 1024 * 1024;
export const MAX_ARTIFACT_PATH = 1_024;
export const MAX_BATCH_METRICS = 1_000;
export const MAX_BATCH_PARAMS = 100;
export const MAX_BATCH_TAGS = 100;
export const MAX_STEP = 2_147_483_647;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed UUID; other ids cannot exist, so lookups skip the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function checkUuid(value: string | null | undefined, field: string): void {
  if (value == null) return;
  if (!isUuid(value)) throw new BadUserInputError(`${field} must be a UUID; got ${JSON.stringify(value.slice(0, 80))}`, { field });
}

export function checkName(name: string, field: string): void {
  if (!NAME.test(name)) {
    throw new BadUserInputError(
      `${field} must be 1–128 characters of letters, digits, '.', '_', '-' and '/'; got ${JSON.stringify(name.slice(0, 140))}`,
      { field },
    );
  }
}

export function checkAlias(alias: string, field = 'alias'): void {
  if (!ALIAS.test(alias)) {
    throw new BadUserInputError(`${field} must be 1–64 characters of letters, digits, '_' and '-'; got ${JSON.stringify(alias.slice(0, 80))}`, { field });
  }
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    throw new BadUserInputError(`${field} '${alias}' is reserved: 'latest' and 'v<number>' already name versions`, { field });
  }
}

export function checkKey(key: string, field: string): void {
  if (!KEY.test(key)) {
    throw new BadUserInputError(
      `${field} must be 1–250 characters of letters, digits, '_', '-', '.', '/', ':' and space; got ${JSON.stringify(key.slice(0, 260))}`,
      { field },
    );
  }
}

/** PostgreSQL text and jsonb cannot hold U+0000; say so instead of failing in the driver. */
export function checkText(value: string | null | undefined, field: string, maxLength = MAX_TEXT_LENGTH): void {
  if (value == null) return;
  if (value.length > maxLength) {
    throw new BadUserInputError(`${field} is ${value.length} characters long; the limit is ${maxLength}`, { field, limit: maxLength });
  }
  if (value.includes('\u0000')) throw new BadUserInputError(`${field} contains a NUL character (U+0000), which cannot be stored`, { field });
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw new BadUserInputError(`${field} contains a lone surrogate, which is not valid UTF-8`, { field });
  }
}

export function checkJsonObject(value: unknown, field: string, maxBytes = MAX_JSON_BYTES): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadUserInputError(`${field} must be a JSON object`, { field });
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > maxBytes) throw new BadUserInputError(`${field} is larger than ${maxBytes} bytes of JSON`, { field, limit: maxBytes });
  if (text.includes('\\u0000')) throw new BadUserInputError(`${field} contains a NUL character (U+0000), which cannot be stored`, { field });
  // JSON.stringify escapes exactly the lone surrogates (as \udXXX), which jsonb refuses.
  if (/(?:^|[^\\])(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/.test(text)) {
    throw new BadUserInputError(`${field} contains a lone surrogate, which is not valid UTF-8`, { field });
  }
}

export function checkCount(items: readonly unknown[], field: string, max: number): void {
  if (items.length > max) throw new BadUserInputError(`${field} has ${items.length} items; the limit is ${max} per call`, { field, limit: max });
}

/** Tags as a key → value map; a key given twice is a BAD_USER_INPUT (which value was meant?). */
export function tagMap(tags: ReadonlyArray<{ key: string; value: string }> | null | undefined, field = 'tags'): Record<string, string> {
  checkCount(tags ?? [], field, MAX_BATCH_TAGS);
  const map: Record<string, string> = {};
  (tags ?? []).forEach((tag, index) => {
    checkKey(tag.key, `${field}[${index}].key`);
    checkText(tag.value, `${field}[${index}].value`, MAX_TAG_VALUE);
    if (Object.prototype.hasOwnProperty.call(map, tag.key)) {
      throw new BadUserInputError(`${field} gives the key '${tag.key}' more than once`, { field: `${field}[${index}].key` });
    }
    map[tag.key] = tag.value;
  });
  return map;
}

/** A relative artifact path: no leading '/', no '.' or '..' segments, no backslashes. */
export function checkArtifactPath(path: string, field = 'path'): void {
  const segments = path.split('/');
  if (
    path.length === 0 ||
    path.length > MAX_ARTIFACT_PATH ||
    !/^[A-Za-z0-9._\-/ ]+$/.test(path) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new BadUserInputError(
      `${field} must be a relative path of 1–${MAX_ARTIFACT_PATH} characters (letters, digits, '.', '_', '-', ' ', '/'), without empty, '.' or '..' segments; got ${JSON.stringify(path.slice(0, 80))}`,
      { field },
    );
  }
}

/** A cursor is an opaque base64url string of this list's own making. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, field: string, valid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!valid(value) || encodeCursor(value) !== cursor) throw new BadUserInputError(`${field} is not a cursor of this list`, { field });
  return value;
}

