import type { LogFeedbackInput, LogInteractionInput } from './__generated__/graphql';
import { FlywheelError } from './flywheel-error';
import { IngestQueue, type IngestSender } from './ingest-queue';

/** A sender that records what it was given (an in-process receiver: the HTTP path is covered by test/client.e2e.test.ts). */
function recorder(fail: (call: number) => FlywheelError | null = () => null) {
  const calls: Array<{ kind: string; size: number }> = [];
  const feedbackKeys: string[] = [];
  const sender: IngestSender = {
    async feedback(inputs: LogFeedbackInput[]) {
      calls.push({ kind: 'feedback', size: inputs.length });
      const error = fail(calls.length);
      if (error) throw error;
      feedbackKeys.push(...inputs.map((input) => input.idempotencyKey as string));
      return { accepted: inputs.length, duplicates: 0, rejected: [] };
    },
    async interaction(_input: LogInteractionInput) {
      calls.push({ kind: 'interaction', size: 1 });
    },
    async exposures(_experimentId: string, unitIds: string[]) {
      calls.push({ kind: 'exposure', size: unitIds.length });
    },
  };
  return { sender, calls, feedbackKeys };
}

const options = { maxQueueSize: 100, batchSize: 40, flushIntervalMs: 60_000, interactionConcurrency: 4, retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 }, onError: () => undefined };

describe('IngestQueue', () => {
  it('drops the newest items beyond maxQueueSize and counts them', async () => {
    const { sender } = recorder();
    const queue = new IngestQueue(sender, { ...options, batchSize: 1000 });
    const results = Array.from({ length: 105 }, (_, i) => queue.enqueue({ kind: 'interaction', input: { requestId: `r${i}` } }));
    expect(results.filter(Boolean).length).toBe(100);
    expect(results.slice(100)).toEqual([false, false, false, false, false]);
    expect(queue.stats()).toMatchObject({ queued: 100, dropped: 5 });
    await queue.shutdown();
    expect(queue.stats()).toMatchObject({ queued: 0, sent: { interactions: 100 } });
  });

  it('splits a flush into batches per kind, deduplicating exposures per experiment', async () => {
    const { sender, calls } = recorder();
    const queue = new IngestQueue(sender, { ...options, batchSize: 1000 });
    for (let i = 0; i < 90; i++) queue.enqueue({ kind: 'feedback', input: { requestId: `r${i}`, rating: 5 } });
    for (let i = 0; i < 6; i++) queue.enqueue({ kind: 'exposure', experimentId: i % 2 ? 'e1' : 'e2', unitId: 'same' });
    await queue.flush();
    expect(calls).toEqual([
      { kind: 'feedback', size: 90 },
      { kind: 'exposure', size: 1 },
      { kind: 'exposure', size: 1 },
    ]);
    await queue.shutdown();
  });

  it('starts a flush by itself once a batch is full', async () => {
    const { sender, calls } = recorder();
    const queue = new IngestQueue(sender, options);
    for (let i = 0; i < 40; i++) queue.enqueue({ kind: 'feedback', input: { requestId: `r${i}`, rating: 1 } });
    await new Promise((resolve) => setImmediate(resolve));
    await queue.flush();
    expect(calls[0]).toEqual({ kind: 'feedback', size: 40 });
    await queue.shutdown();
  });

  it('retries a batch after retryable errors, counting failures only when it gives up', async () => {
    const flaky = recorder((call) => (call <= 2 ? new FlywheelError('down', { code: 'NETWORK_ERROR' }) : null));
    const errors: FlywheelError[] = [];
    const queue = new IngestQueue(flaky.sender, { ...options, onError: (error) => errors.push(error) });
    queue.enqueue({ kind: 'feedback', input: { requestId: 'r', rating: 2, idempotencyKey: 'k1' } });
    await queue.flush();
    expect(queue.stats()).toMatchObject({ retries: 2, failed: 0, sent: { feedback: 1 } });
    expect(errors).toEqual([]);

    const down = recorder(() => new FlywheelError('down', { code: 'NETWORK_ERROR' }));
    const failing = new IngestQueue(down.sender, { ...options, onError: (error) => errors.push(error) });
    failing.enqueue({ kind: 'feedback', input: { requestId: 'r', rating: 2 } });
    await failing.flush();
    expect(failing.stats()).toMatchObject({ retries: 3, failed: 1 });
    expect(errors.map((error) => error.code)).toEqual(['NETWORK_ERROR']);
    await Promise.all([queue.shutdown(), failing.shutdown()]);
  });
});
