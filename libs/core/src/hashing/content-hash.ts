import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * The content address of a value: sha256 (hex) of its canonical JSON.
 * A string is hashed as its UTF-8 bytes directly, so that
 * `contentHash("Summarize: {text}")` equals `sha256("Summarize: {text}")`.
 *
 * @param value a string, or a JSON-like value serialised with {@link canonicalJson}
 * @returns 64 lowercase hex characters
 * @example contentHash('Summarize: {text}').slice(0, 12) // '31616d829d61'
 */
export function contentHash(value: unknown): string {
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
