// SIGTERM to a subgraph process (not the launcher) while requests are in
// flight through it: the requests already running finish with 200, new ones
// are refused (connection refused, or 503 on a kept-alive connection), and the
// process exits within FLYWHEEL_SHUTDOWN_GRACE_MS (2 000 ms in the test stack)
// plus a margin. Requests are made "in flight" deterministically: the test
// holds the prompt's row lock, so registrations of that prompt wait inside
// their transaction until the test lets go.
import { request } from 'node:http';
import { Client } from 'pg';
import { exited, report, sleep, statusOf, waitFor, type FaultStack, startFaultStack } from './support/fault-stack';

const GRACE_MS = 2_000; // FLYWHEEL_SHUTDOWN_GRACE_MS of tools/stack.ts
const EXIT_MARGIN_MS = 1_500; // closing Apollo and the pool, and a loaded machine
const REGISTER = `mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { created version { number } } }`;
const READ = `query($name: String!) { prompt(name: $name) { name versionCount } }`;

interface Outcome {
  sentAt: number;
  doneAt: number;
  status: number;
  error?: string;
  body?: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> };
}

/** POSTs on a connection of its own (no keep-alive pool), so a refused connection shows as such. */
function postFresh(url: string, payload: unknown, headers: Record<string, string>, timeoutMs = 15_000): Promise<Outcome> {
  const sentAt = Date.now();
  const body = JSON.stringify(payload);
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ sentAt, doneAt: Date.now(), status: res.statusCode ?? 0, error: error.code ?? error.message }));
      res.on('end', () => {
        let parsed: Outcome['body'];
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          parsed = undefined;
        }
        resolve({ sentAt, doneAt: Date.now(), status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ sentAt, doneAt: Date.now(), status: 0, error: error.code ?? error.message }));
    req.end(body);
  });
}

const refused = (outcome: Outcome) => outcome.status === 503 || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(outcome.error ?? '');

describe('SIGTERM of a subgraph during a load', () => {
  let fault: FaultStack;

  beforeAll(async () => {
    fault = await startFaultStack(['prompt']);
  });
  afterAll(async () => {
    await fault?.stop();
  });

  /**
   * Holds the prompt's row lock on a connection of its own (pg_stat_activity is
   * a snapshot per transaction, so the lock holder cannot also watch the waiters).
   */
  const lockPrompt = async (name: string) => {
    const client = new Client({ connectionString: fault.database.url, application_name: 'flywheel-fault-lock' });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT id FROM prompt WHERE name = $1 FOR UPDATE', [name]);
    return {
      release: async () => {
        await client.query('COMMIT');
        await client.end();
      },
    };
  };

  /** Waits until `n` backends of the stack's database wait on a lock (the blocked registrations). */
  const waitingOnLock = (n: number) =>
    waitFor(`${n} backends waiting on the row lock`, async () => {
      const { rows } = await fault.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [fault.database.name]);
      return rows[0].n >= n;
    }, 15_000, 20);

  /** A new prompt process is up (the launcher restarts what exits) and ready. */
  const restarted = async (old: number) => {
    const pid = await waitFor('the launcher to restart prompt', () => {
      try {
        const current = fault.pidOf('prompt');
        return current !== old ? current : undefined;
      } catch {
        return undefined;
      }
    }, 30_000);
    await waitFor('prompt /ready', async () => (await statusOf(`${fault.subgraphOrigin('prompt')}/ready`)) === 200, 60_000, 100);
    return pid;
  };

  it('lets in-flight requests finish with 200, refuses new ones, and exits within the grace period', async () => {
    const name = `drain-${Date.now().toString(36)}`;
    await fault.gqlOk(REGISTER, { input: { name, template: 'first {x}' } });
    const url = `${fault.subgraphOrigin('prompt')}/graphql`;

    const locker = await lockPrompt(name);
    const inFlight = [1, 2, 3, 4].map((i) => postFresh(url, { query: REGISTER, variables: { input: { name, template: `blocked ${i} {x}` } } }, fault.signedHeaders()));
    await waitingOnLock(4);

    // A read load beside them, on fresh connections.
    let loading = true;
    const outcomes: Outcome[] = [];
    const readers = [0, 1, 2, 3].map(async () => {
      while (loading) {
        outcomes.push(await postFresh(url, { query: READ, variables: { name } }, fault.signedHeaders(), 5_000));
        await sleep(10);
      }
    });
    await sleep(300);

    const victim = fault.pidOf('prompt');
    const termAt = Date.now();
    process.kill(victim, 'SIGTERM');
    // New requests while it drains: refused.
    await sleep(150);
    const probes: Outcome[] = [];
    for (let i = 0; i < 5; i += 1) {
      probes.push(await postFresh(url, { query: READ, variables: { name } }, fault.signedHeaders(), 5_000));
      await sleep(50);
    }
    // Let the in-flight registrations go on.
    const releasedAt = Date.now();
    await locker.release();
    const finished = await Promise.all(inFlight);
    await waitFor('the drained process to exit', () => exited(victim), GRACE_MS + EXIT_MARGIN_MS + 5_000, 10);
    const exitMs = Date.now() - termAt;
    loading = false;
    await Promise.all(readers);
    const successor = await restarted(victim);

    const during = outcomes.filter((outcome) => outcome.sentAt >= termAt + 100 && outcome.sentAt < termAt + exitMs);
    report('sigterm', {
      inFlight: finished.map((outcome) => `${outcome.status}:${JSON.stringify(outcome.body?.data ?? outcome.error)}`),
      probes: probes.map((probe) => probe.error ?? probe.status),
      loadRequests: outcomes.length,
      loadDuringDrain: during.length,
      loadDuringDrainRefused: during.filter(refused).length,
      lockReleasedAfterMs: releasedAt - termAt,
      exitMs,
      graceMs: GRACE_MS,
      restartedPid: successor,
    });

    // The four registrations that were running when SIGTERM came finished: 200, created, numbers 2..5.
    for (const outcome of finished) {
      expect(outcome.status).toBe(200);
      expect(outcome.body?.errors).toBeUndefined();
    }
    const numbers = finished.map((outcome) => (outcome.body?.data?.registerPrompt as { created: boolean; version: { number: number } }).version.number);
    expect(numbers.sort()).toEqual([2, 3, 4, 5]);
    // Everything sent after the drain began was refused, and nothing at any time was a server error.
    expect(probes.every(refused)).toBe(true);
    expect(during.every(refused)).toBe(true);
    for (const outcome of outcomes) {
      expect(outcome.status === 0 || outcome.status === 200 || outcome.status === 503).toBe(true);
      if (outcome.status === 200) expect(outcome.body?.errors).toBeUndefined();
    }
    // It waited for its in-flight work, then exited well within the grace period.
    expect(exitMs).toBeGreaterThanOrEqual(releasedAt - termAt);
    expect(exitMs).toBeLessThanOrEqual(GRACE_MS + EXIT_MARGIN_MS);
    const { rows } = await fault.db.query<{ number: number }>(
      `SELECT v.number FROM prompt_version v JOIN prompt p ON p.id = v.prompt_id WHERE p.name = $1 ORDER BY v.number`,
      [name],
    );
    expect(rows.map((row) => row.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it('cuts a request that outlives the grace period, exits on time, and leaves no half-written version', async () => {
    const name = `cut-${Date.now().toString(36)}`;
    await fault.gqlOk(REGISTER, { input: { name, template: 'first {x}' } });
    const url = `${fault.subgraphOrigin('prompt')}/graphql`;
    const locker = await lockPrompt(name);
    const stuck = postFresh(url, { query: REGISTER, variables: { input: { name, template: 'never {x}' } } }, fault.signedHeaders());
    await waitingOnLock(1);

    const victim = fault.pidOf('prompt');
    const termAt = Date.now();
    process.kill(victim, 'SIGTERM');
    let exitMs: number;
    try {
      await waitFor('the process to exit although a request still waits', () => exited(victim), GRACE_MS + EXIT_MARGIN_MS + 5_000, 10);
      exitMs = Date.now() - termAt;
    } finally {
      await locker.release();
    }
    const outcome = await stuck;
    const successor = await restarted(victim);
    report('sigterm-grace', { stuckRequest: outcome.error ?? outcome.status, exitMs, graceMs: GRACE_MS, restartedPid: successor });

    // The cut request got no success, the process kept to the grace period, and its transaction left nothing.
    expect(outcome.status).not.toBe(200);
    expect(exitMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(exitMs).toBeLessThanOrEqual(GRACE_MS + EXIT_MARGIN_MS);
    const { rows } = await fault.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM prompt_version v JOIN prompt p ON p.id = v.prompt_id WHERE p.name = $1`,
      [name],
    );
    expect(rows[0].n).toBe(1);
  });
});
