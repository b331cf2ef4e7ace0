import { FlywheelError } from './flywheel-error';
import { backoffDelay, withRetry, type RetryPolicy } from './retry';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 350 };

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, with half of each step jittered', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, 0))).toEqual([50, 100, 175, 175]);
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, 0.999999))).toEqual([100, 200, 350, 350].map((ms) => expect.closeTo(ms, 3)));
  });
});

describe('withRetry', () => {
  const noWait = async () => undefined;

  it.each([
    ['NETWORK_ERROR', null, true],
    ['INTERNAL_SERVER_ERROR', 200, true],
    ['HTTP_ERROR', 503, true],
    ['HTTP_ERROR', 429, true],
    ['BAD_USER_INPUT', 200, false],
    ['UNAUTHENTICATED', 401, false],
    ['FORBIDDEN', 200, false],
  ] as const)('%s (HTTP %s): retried = %s', async (code, status, retried) => {
    let calls = 0;
    const work = async () => {
      calls++;
      if (calls < 3) throw new FlywheelError('boom', { code, status });
      return 'ok';
    };
    if (retried) {
      await expect(withRetry(work, policy, undefined, noWait)).resolves.toBe('ok');
      expect(calls).toBe(3);
    } else {
      await expect(withRetry(work, policy, undefined, noWait)).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    }
  });

  it('gives up after maxRetries, reporting each retry', async () => {
    const attempts: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new FlywheelError('down', { code: 'NETWORK_ERROR' });
      },
      policy,
      (attempt) => attempts.push(attempt),
      noWait,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(calls).toBe(4);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('never retries an error that is not a FlywheelError (a bug, not an outage)', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TypeError('bug');
        },
        policy,
        undefined,
        noWait,
      ),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
