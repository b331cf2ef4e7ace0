import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRole, type Role } from './roles';

/** Who is calling: an API key, as the gateway authenticated it. */
export interface Principal {
  /** The key's id (not its secret). */
  keyId: string;
  /** The key's name, for history rows and the audit log. */
  name: string;
  role: Role;
}

/** Headers the gateway adds to every subgraph request. */
export const PRINCIPAL_HEADER = 'x-flywheel-principal';
export const SIGNATURE_HEADER = 'x-flywheel-signature';

/** How old a signed principal may be: covers clock skew between pods, and limits replay. */
export const SIGNATURE_MAX_AGE_MS = 5 * 60_000;

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/**
 * Signs a principal for the subgraphs: the payload carries the principal and
 * the time, the signature is HMAC-SHA256 with `FLYWHEEL_GATEWAY_SECRET`.
 */
export function signPrincipal(secret: string, principal: Principal, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ ...principal, iat: now })).toString('base64url');
  return { [PRINCIPAL_HEADER]: payload, [SIGNATURE_HEADER]: mac(secret, payload) };
}

/** Why a signed principal was refused. */
export class SignatureError extends Error {}

/**
 * Checks the gateway's signature and returns the principal it vouches for.
 *
 * @throws {SignatureError} when a header is missing, the signature does not match, or it is too old
 */
export function verifyPrincipal(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
  maxAgeMs = SIGNATURE_MAX_AGE_MS,
): Principal {
  const payload = headers[PRINCIPAL_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof payload !== 'string' || typeof signature !== 'string') {
    throw new SignatureError('missing gateway signature: subgraphs answer only requests that come through the gateway');
  }
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SignatureError('invalid gateway signature');
  let decoded: { keyId?: unknown; name?: unknown; role?: unknown; iat?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new SignatureError('malformed principal');
  }
  if (typeof decoded.iat !== 'number' || Math.abs(now - decoded.iat) > maxAgeMs) throw new SignatureError('expired gateway signature');
  if (typeof decoded.keyId !== 'string' || typeof decoded.name !== 'string' || !isRole(decoded.role)) {
    throw new SignatureError('malformed principal');
  }
  return { keyId: decoded.keyId, name: decoded.name, role: decoded.role };
}

/** How a principal appears in history rows (`created_by`, `moved_by`…). */
export function actorOf(principal: Principal | null | undefined): string | null {
  return principal ? `${principal.name} (${principal.keyId})` : null;
}

/**
 * {@link verifyPrincipal} with a memory of signatures already checked: the
 * gateway reuses a principal's signature for a minute, so a subgraph sees the
 * same header pair many times and need not recompute the HMAC each time. A
 * remembered signature is still refused once it is too old.
 */
export class PrincipalVerifier {
  private readonly verified = new Map<string, { principal: Principal; iat: number }>();

  constructor(
    private readonly secret: string,
    private readonly maxAgeMs = SIGNATURE_MAX_AGE_MS,
  ) {}

  verify(headers: Record<string, string | string[] | undefined>, now = Date.now()): Principal {
    const payload = headers[PRINCIPAL_HEADER];
    const signature = headers[SIGNATURE_HEADER];
    if (typeof payload === 'string' && typeof signature === 'string') {
      const known = this.verified.get(`${signature}.${payload}`);
      if (known && Math.abs(now - known.iat) <= this.maxAgeMs) return known.principal;
    }
    const principal = verifyPrincipal(this.secret, headers, now, this.maxAgeMs);
    const iat = (JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8')) as { iat: number }).iat;
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(`${signature}.${payload}`, { principal, iat });
    return principal;
  }
}
