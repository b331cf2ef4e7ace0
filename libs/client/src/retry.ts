import { isRetryable } from './flywheel-error';

export interface RetryPolicy {
  /** Tries after the first; 0 disables retrying. */
  maxRetries: number;
  /** The first backoff; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * The wait before retry number `attempt` (1, 2, …): exponential backoff with
 * "equal jitter" (half fixed, half random), so many clients that failed
 * together do not come back together, yet each waits at least half the step.
 *
 * @param random a uniform number in [0, 1) (injected for tests)
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: number = Math.random()): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + (step / 2) * random;
}

/**
 * Runs `work`, retrying with {@link backoffDelay} while it fails with a
 * retryable error (no answer, HTTP 5xx/429, INTERNAL_SERVER_ERROR) and
 * retries remain. Other errors are thrown at once. Safe only for work that is
 * idempotent on the server (the SDK's ingestion calls are: feedback carries an
 * idempotency key, interactions a request id, exposures keep the first).
 *
 * @param onRetry called before each wait, with the attempt number and the error
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (attempt: number, error: unknown) => void = () => undefined,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt > policy.maxRetries || !isRetryable(error)) throw error;
      onRetry(attempt, error);
      await sleep(backoffDelay(attempt, policy));
    }
  }
}
