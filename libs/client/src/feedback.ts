import { randomUUID } from 'node:crypto';
import type { LogFeedbackInput, LogInteractionInput } from './__generated__/graphql';
import type { IngestQueue } from './ingest-queue';

/**
 * Feedback: `log` queues one piece of feedback and returns at once; the queue
 * sends it in batches through `logFeedbackBatch`. Each item gets a fresh UUID
 * idempotency key here, before it is queued, unless the caller gives one, so
 * a batch retried after a lost answer is stored once.
 */
export class FeedbackClient {
  constructor(private readonly queue: IngestQueue) {}

  /**
   * Queues feedback about `requestId` (`rating` 1..5, `score`, `thumbs`,
   * `feedbackText`, `latencyMs`; `experimentId` and `variant` together to count
   * towards an experiment's results).
   *
   * @returns false when the queue is full (the item is dropped and counted in `stats().dropped`)
   */
  log(input: LogFeedbackInput): boolean {
    return this.queue.enqueue({ kind: 'feedback', input: { ...input, idempotencyKey: input.idempotencyKey ?? randomUUID() } });
  }
}

/**
 * Interactions: `log` queues the request/response pair that feedback is about.
 * The schema has no batch form of `logInteraction`, so the queue sends one
 * call per interaction (a few in parallel); the server keeps one interaction
 * per `requestId`, so retries are stored once.
 */
export class InteractionsClient {
  constructor(private readonly queue: IngestQueue) {}

  /**
   * Queues an interaction (`requestId`, `input`, `output`, `latencyMs`,
   * `costUsd`, tokens, the experiment and variant it ran in, …).
   *
   * @returns false when the queue is full (the item is dropped and counted in `stats().dropped`)
   */
  log(input: LogInteractionInput): boolean {
    return this.queue.enqueue({ kind: 'interaction', input: { ...input } });
  }
}
