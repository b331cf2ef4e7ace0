import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '@flywheel/data';
import { BadUserInputError, isRole, NotFoundError, type Principal, type Role } from '@flywheel/server';

export interface ApiKeyModel {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  salt: Buffer;
  secret_hash: Buffer;
  created_at: Date;
  created_by: string | null;
  revoked_at: Date | null;
}

const toModel = (row: ApiKeyRow): ApiKeyModel => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  createdBy: row.created_by,
  revokedAt: row.revoked_at,
});

/** Finds a key's row from its secret without storing anything that verifies the secret. */
export function lookupOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function saltedHash(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

/** A new secret: `fw_` and 32 random bytes, base64url (256 bits: a fast salted hash is enough). */
export function generateSecret(): string {
  return `fw_${randomBytes(32).toString('base64url')}`;
}

/**
 * API keys: created with a secret shown once, stored as a salted hash,
 * revocable. `authenticate` is on every request, so answers are cached
 * briefly (`cacheMs`): a revocation takes effect within that time.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal | null; expires: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cacheMs = 5_000,
  ) {}

  async create(name: string, role: string, createdBy: string | null, secret = generateSecret()): Promise<ApiKeyModel & { secret: string }> {
    if (!/^[\p{L}\p{N} ._\-/@()]{1,128}$/u.test(name)) {
      throw new BadUserInputError('name must be 1–128 letters, digits, spaces or . _ - / @ ( )', { field: 'name' });
    }
    if (!isRole(role)) throw new BadUserInputError(`role must be one of VIEWER, INGEST, EDITOR, ADMIN`, { field: 'role' });
    const salt = randomBytes(16);
    try {
      const [row]: ApiKeyRow[] = await this.dataSource.query(
        `INSERT INTO api_key (name, role, lookup, salt, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [name, role, lookupOf(secret), salt, saltedHash(salt, secret), createdBy],
      );
      return { ...toModel(row), secret };
    } catch (error) {
      // 64 bits of lookup colliding is, in practice, the same secret registered twice.
      if (isUniqueViolation(error)) throw new BadUserInputError('that secret is already a key', { field: 'secret' });
      throw error;
    }
  }

  /**
   * Makes `secret` a valid ADMIN key (FLYWHEEL_BOOTSTRAP_ADMIN_KEY): created if
   * absent, untouched if present, so every replica may run it at every start.
   */
  async ensureBootstrapKey(secret: string): Promise<void> {
    const salt = randomBytes(16);
    await this.dataSource.query(
      `INSERT INTO api_key (name, role, lookup, salt, secret_hash, created_by)
       VALUES ('bootstrap admin (FLYWHEEL_BOOTSTRAP_ADMIN_KEY)', 'ADMIN', $1, $2, $3, 'bootstrap')
       ON CONFLICT (lookup) DO NOTHING`,
      [lookupOf(secret), salt, saltedHash(salt, secret)],
    );
  }

  /** True when some ADMIN key is usable. */
  async hasActiveAdmin(): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM api_key WHERE role = 'ADMIN' AND revoked_at IS NULL LIMIT 1`);
    return rows.length > 0;
  }

  async list(): Promise<ApiKeyModel[]> {
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT * FROM api_key ORDER BY created_at, id`);
    return rows.map(toModel);
  }

  async revoke(id: string): Promise<ApiKeyModel> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError(`No API key ${id}`, { id });
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [ApiKeyRow[], number] = await this.dataSource.query(
      `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundError(`No API key ${id}`, { id });
    this.cache.clear();
    return toModel(rows[0]);
  }

  /** The principal of a secret, or null for an unknown or revoked one. */
  async authenticate(secret: string): Promise<Principal | null> {
    const lookup = lookupOf(secret);
    const now = Date.now();
    const cached = this.cache.get(lookup);
    if (cached && cached.expires > now) return cached.principal;
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT * FROM api_key WHERE lookup = $1`, [lookup]);
    const row = rows[0];
    let principal: Principal | null = null;
    if (row && !row.revoked_at) {
      const expected = row.secret_hash;
      const given = saltedHash(row.salt, secret);
      if (expected.length === given.length && timingSafeEqual(expected, given)) principal = { keyId: row.id, name: row.name, role: row.role };
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(lookup, { principal, expires: now + this.cacheMs });
    return principal;
  }
}
