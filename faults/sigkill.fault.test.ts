// SIGKILL of the feedback subgraph in the middle of a feedback load: the
// launcher restarts it, clients retry every unacknowledged batch with the same
// idempotency keys, and in the end every item is stored exactly once and the
// experiment's summary counts each once (retries are duplicates, not new rows).
import { exited, report, statusOf, waitFor, type FaultStack, startFaultStack } from './support/fault-stack';
import { LOG_BATCH, SUMMARY, batchItems, expectedSummary, runFeedbackLoad, startedExperiment, storedKeys, type LoadOptions } from './support/feedback-load';

describe('SIGKILL of a subgraph during a feedback load', () => {
  let fault: FaultStack;

  beforeAll(async () => {
    fault = await startFaultStack(['prompt', 'experiment', 'feedback']);
  });
  afterAll(async () => {
    await fault?.stop();
  });

  it('stores every acknowledged item exactly once and does not double count retries', async () => {
    const variants = ['A', 'B', 'C'];
    const experimentId = await startedExperiment(fault, `sigkill-${Date.now()}`, variants);
    const options: LoadOptions = { prefix: `kill-${Date.now().toString(36)}`, experimentId, variants, clients: 6, batchesPerClient: 30, batchSize: 50 };
    const total = options.clients * options.batchesPerClient * options.batchSize;
    const started = Date.now();
    const { progress, done } = runFeedbackLoad(fault, options);

    // Kill once about a fifth of the batches are in, while every client is mid-stream.
    await waitFor('a fifth of the load acknowledged', () => progress.acknowledgedBatches >= (options.clients * options.batchesPerClient) / 5, 60_000, 5);
    const victim = fault.pidOf('feedback');
    const acknowledgedBeforeKill = progress.acknowledgedBatches;
    process.kill(victim, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor('the killed process to be gone', () => exited(victim), 5_000, 10);
    // The launcher starts a new process on the same port; the gateway finds it again.
    const successor = await waitFor('the launcher to restart feedback', () => {
      try {
        const pid = fault.pidOf('feedback');
        return pid !== victim ? pid : undefined;
      } catch {
        return undefined;
      }
    }, 30_000, 50);
    await waitFor('feedback /ready', async () => (await statusOf(`${fault.subgraphOrigin('feedback')}/ready`)) === 200, 60_000, 100);
    const recoveredMs = Date.now() - killedAt;

    await done;
    const elapsed = Date.now() - started;

    // Every item of the load was acknowledged once per batch…
    expect(progress.acknowledged).toHaveLength(total);
    expect(new Set(progress.acknowledged.map((item) => item.idempotencyKey)).size).toBe(total);
    // …and the kill really cut through the load: some attempts failed and were retried.
    expect(progress.failedAttempts).toBeGreaterThan(0);
    expect(progress.accepted + progress.duplicates).toBe(total);

    // In the database: each acknowledged key exactly once, nothing else under this prefix.
    const stored = await storedKeys(fault, options.prefix);
    expect(stored.size).toBe(total);
    const missing = progress.acknowledged.filter((item) => stored.get(item.idempotencyKey) !== 1);
    expect(missing).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);

    // The experiment's results count each item once: n and mean per variant match the items sent.
    const expected = expectedSummary(progress.acknowledged);
    const summary = (await fault.gqlOk(SUMMARY, { id: experimentId })).feedbackSummary as Array<{ variant: string; n: number; mean: number }>;
    expect(summary.reduce((sum, row) => sum + row.n, 0)).toBe(total);
    for (const row of summary) {
      expect(row.n).toBe(expected[row.variant].n);
      expect(row.mean).toBeCloseTo(expected[row.variant].mean, 9);
    }

    // A deliberate replay of acknowledged batches is all duplicates and changes nothing.
    for (const [client, batch] of [[0, 0], [3, 7], [5, 29]]) {
      const replay = await fault.gqlOk(LOG_BATCH, { inputs: batchItems(options, client, batch) });
      expect(replay.logFeedbackBatch).toEqual({ accepted: 0, duplicates: options.batchSize, rejected: [] });
    }
    const after = (await fault.gqlOk(SUMMARY, { id: experimentId })).feedbackSummary as Array<{ n: number }>;
    expect(after.reduce((sum, row) => sum + row.n, 0)).toBe(total);
    expect((await storedKeys(fault, options.prefix)).size).toBe(total);

    report('sigkill', {
      items: total,
      batches: options.clients * options.batchesPerClient,
      clients: options.clients,
      acknowledgedBeforeKill,
      failedAttempts: progress.failedAttempts,
      failureKinds: [...progress.failureKinds],
      retriedButAlreadyStored: progress.duplicates,
      killedPid: victim,
      restartedPid: successor,
      recoveredMs,
      elapsedMs: elapsed,
      rowsPerKey: 1,
      summaryN: total,
    });
  });
});
