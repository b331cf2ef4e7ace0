import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived signed tokens for download links. A link such as a dataset
 * export is fetched by a plain HTTP client straight from a subgraph, without
 * the gateway's signed principal, so the link itself carries the proof: an
 * HMAC-SHA256 (with `FLYWHEEL_GATEWAY_SECRET`) over the resource it grants and
 * its expiry. It grants only that resource (e.g. one dataset version in one
 * format) and only until it expires.
 */

/** How long a download link stays valid by default. */
export const DOWNLOAD_TOKEN_TTL_MS = 15 * 60_000;

function mac(secret: string, resource: string, expiresAt: number): string {
  return createHmac('sha256', secret).update(`flywheel-download\n${resource}\n${expiresAt}`).digest('base64url');
}

/**
 * Signs a token for `resource` (any string naming what it grants) valid until `now + ttlMs`.
 * The token is `<expiry in ms>.<signature>`, safe in a URL query.
 */
export function signDownloadToken(secret: string, resource: string, now = Date.now(), ttlMs = DOWNLOAD_TOKEN_TTL_MS): string {
  const expiresAt = now + ttlMs;
  return `${expiresAt}.${mac(secret, resource, expiresAt)}`;
}

/** Why a download token was refused. */
export class DownloadTokenError extends Error {}

/**
 * Checks that `token` was signed with `secret` for exactly `resource` and has not expired.
 *
 * @throws {DownloadTokenError} when the token is malformed, signed for something else, or expired
 */
export function verifyDownloadToken(secret: string, token: string, resource: string, now = Date.now()): void {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new DownloadTokenError('malformed download token');
  const expiresAt = Number(match[1]);
  const expected = Buffer.from(mac(secret, resource, expiresAt));
  const given = Buffer.from(match[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new DownloadTokenError('invalid download token');
  if (now > expiresAt) throw new DownloadTokenError('expired download token: ask for a fresh link');
}
