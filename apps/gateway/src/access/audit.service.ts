import type { DataSource } from 'typeorm';
import { BadUserInputError, type Logger, type Principal } from '@flywheel/server';

/** One mutation the gateway executed. */
export interface AuditRecord {
  principal: Principal | null;
  operation: string;
  target: unknown;
  success: boolean;
  errorCode: string | null;
  requestId: string;
}

export interface AuditEventModel {
  id: string;
  at: Date;
  keyId: string | null;
  actor: string | null;
  role: string | null;
  operation: string;
  target: unknown;
  success: boolean;
  errorCode: string | null;
  requestId: string | null;
}

const SECRET_KEYS = /secret|password|token|authorization|apikey/i;
const MAX_STRING = 256;
const MAX_ITEMS = 20;

/**
 * Shortens arguments for the audit log: secrets redacted, long strings cut,
 * long lists summarised (a batch of 5 000 feedback items is recorded as its
 * size and first items, not copied whole).
 */
export function auditTarget(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    // jsonb refuses NUL and lone surrogates; the rejected mutation that carried them is still recorded.
    const storable = value.replaceAll('\u0000', '\uFFFD').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    return storable.length > MAX_STRING ? `${storable.slice(0, MAX_STRING)}… (${storable.length} chars)` : storable;
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => auditTarget(item, depth + 1));
    return value.length > MAX_ITEMS ? { count: value.length, first: items } : items;
  }
  if (value && typeof value === 'object') {
    if (depth > 4) return '…';
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        String(auditTarget(key, depth + 1)),
        SECRET_KEYS.test(key) ? '[redacted]' : auditTarget(item, depth + 1),
      ]),
    );
  }
  return value;
}

/**
 * The append-only audit log. Writes are buffered and flushed in one
 * multi-row insert every `flushMs` (and on shutdown), so auditing adds no
 * round trip to the mutation's response.
 */
export class AuditService {
  private buffer: AuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly flushMs = 200,
  ) {}

  record(record: AuditRecord): void {
    this.buffer.push({ ...record, target: auditTarget(record.target) });
    if (this.buffer.length >= 500) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is buffered; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: AuditRecord[]): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO audit_event (key_id, actor, role, operation, target, success, error_code, request_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::boolean[], $7::text[], $8::text[])`,
        [
          batch.map((r) => r.principal?.keyId ?? null),
          batch.map((r) => r.principal?.name ?? null),
          batch.map((r) => r.principal?.role ?? null),
          batch.map((r) => r.operation),
          batch.map((r) => JSON.stringify(r.target ?? null)),
          batch.map((r) => r.success),
          batch.map((r) => r.errorCode),
          batch.map((r) => r.requestId),
        ],
      );
    } catch (error) {
      this.logger.error({ err: error, lost: batch.length }, 'audit log write failed');
    }
  }

  async list(args: {
    filter?: { operation?: string | null; keyId?: string | null; since?: Date | string | null; until?: Date | string | null; success?: boolean | null } | null;
    first?: number | null;
    after?: string | null;
  }): Promise<{ nodes: AuditEventModel[]; hasNextPage: boolean }> {
    await this.flush();
    const size = args.first ?? 50;
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw new BadUserInputError('first must be between 1 and 1000', { field: 'first' });
    const after = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) : null;
    if (after !== null && !Number.isSafeInteger(after)) throw new BadUserInputError('after is not a cursor of this list', { field: 'after' });
    const filter = args.filter ?? {};
    const rows = await this.dataSource.query(
      `SELECT id::text, at, key_id, actor, role, operation, target, success, error_code, request_id FROM audit_event
       WHERE ($1::text IS NULL OR operation = $1) AND ($2::text IS NULL OR key_id = $2)
         AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
         AND ($5::boolean IS NULL OR success = $5) AND ($6::bigint IS NULL OR id < $6)
       ORDER BY id DESC LIMIT $7`,
      [filter.operation ?? null, filter.keyId ?? null, filter.since ?? null, filter.until ?? null, filter.success ?? null, after, size + 1],
    );
    const nodes: AuditEventModel[] = rows.slice(0, size).map((row: Record<string, unknown>) => ({
      id: row.id as string,
      at: row.at as Date,
      keyId: row.key_id as string | null,
      actor: row.actor as string | null,
      role: row.role as string | null,
      operation: row.operation as string,
      target: row.target,
      success: row.success as boolean,
      errorCode: row.error_code as string | null,
      requestId: row.request_id as string | null,
    }));
    return { nodes, hasNextPage: rows.length > size };
  }
}

/** The cursor of an audit event (its id). */
export function auditCursor(event: AuditEventModel): string {
  return Buffer.from(event.id).toString('base64url');
}
