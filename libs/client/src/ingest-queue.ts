import type { LogFeedbackBatchMutation, LogFeedbackInput, LogInteractionInput } from './__generated__/graphql';
import { FlywheelError } from './flywheel-error';
import { withRetry, type RetryPolicy } from './retry';

/** One thing waiting to be sent. */
export type IngestItem =
  | { kind: 'feedback'; input: LogFeedbackInput }
  | { kind: 'interaction'; input: LogInteractionInput }
  | { kind: 'exposure'; experimentId: string; unitId: string };

/** How the queue reaches the server (the Flywheel client wires these to logFeedbackBatch, logInteraction and assignBatch). */
export interface IngestSender {
  feedback(inputs: LogFeedbackInput[]): Promise<LogFeedbackBatchMutation['logFeedbackBatch']>;
  interaction(input: LogInteractionInput): Promise<void>;
  exposures(experimentId: string, unitIds: string[]): Promise<void>;
}

export interface IngestQueueOptions {
  /** Items waiting at most; beyond it new items are dropped (drop newest) and counted. */
  maxQueueSize: number;
  /** Items per request (feedback, exposures). */
  batchSize: number;
  /** A flush starts at least this often while items wait (and at once when a batch is full). */
  flushIntervalMs: number;
  /** Parallel logInteraction calls (the schema has no batch form of it). */
  interactionConcurrency: number;
  retry: RetryPolicy;
  /** Told about every item that could not be delivered. */
  onError: (error: FlywheelError) => void;
}

/** What the queue did so far. */
export interface IngestStats {
  /** Items waiting now. */
  queued: number;
  /** Items being sent now. */
  inFlight: number;
  /** Items the server took: feedback (accepted + duplicates), interactions, exposures (units sent). */
  sent: { feedback: number; interactions: number; exposures: number };
  /** Feedback the server already had (a retry, or a repeated idempotency key): stored once. */
  duplicates: number;
  /** Feedback items the server refused as invalid (reported to onError with their code). */
  rejected: number;
  /** Items given up on after the retries, or refused as a whole (auth, bad input). */
  failed: number;
  /** Items not queued because the queue was full (or closed): the drop-newest policy. */
  dropped: number;
  /** Requests tried again after a network error or 5xx. */
  retries: number;
}

/**
 * The bounded, batching queue behind `feedback.log`, `interactions.log` and
 * exposure recording. `enqueue` never blocks and never throws: when the queue
 * holds `maxQueueSize` items, the new item is dropped and counted (drop
 * newest: what is already queued is older and keeps its place). A flush sends
 * everything queued at its start: feedback in batches of `batchSize` through
 * logFeedbackBatch, exposures grouped by experiment through assignBatch, and
 * interactions one call each (bounded concurrency). Failed requests are
 * retried with exponential backoff on network errors and 5xx; every request
 * is idempotent on the server, so a retry never double counts. Flushes run
 * one after another, so `await flush()` returns once everything queued before
 * it has been delivered or given up on.
 */
export class IngestQueue {
  private pending: IngestItem[] = [];
  private tail: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval>;
  private scheduled = false;
  private closed = false;
  private readonly counters: Omit<IngestStats, 'queued'> = {
    inFlight: 0,
    sent: { feedback: 0, interactions: 0, exposures: 0 },
    duplicates: 0,
    rejected: 0,
    failed: 0,
    dropped: 0,
    retries: 0,
  };

  constructor(
    private readonly sender: IngestSender,
    private readonly options: IngestQueueOptions,
  ) {
    this.timer = setInterval(() => {
      if (this.pending.length > 0) void this.flush();
    }, options.flushIntervalMs);
    // A library's timer must not keep the process alive; `shutdown()` is the graceful exit.
    this.timer.unref?.();
  }

  /** Queues an item; false when it was dropped (queue full or shut down). */
  enqueue(item: IngestItem): boolean {
    if (this.closed || this.pending.length >= this.options.maxQueueSize) {
      this.counters.dropped++;
      return false;
    }
    this.pending.push(item);
    if (this.pending.length >= this.options.batchSize && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
    return true;
  }

  /** Sends everything queued now; resolves when it is delivered or given up on (never rejects). */
  flush(): Promise<void> {
    const run = this.tail.then(() => this.drain());
    this.tail = run;
    return run;
  }

  /** Stops the timer, refuses new items, and flushes what is queued. */
  async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  stats(): IngestStats {
    return { ...this.counters, sent: { ...this.counters.sent }, queued: this.pending.length };
  }

  private async drain(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    if (items.length === 0) return;
    this.counters.inFlight += items.length;
    const feedback: LogFeedbackInput[] = [];
    const interactions: LogInteractionInput[] = [];
    const exposures = new Map<string, Set<string>>();
    for (const item of items) {
      if (item.kind === 'feedback') feedback.push(item.input);
      else if (item.kind === 'interaction') interactions.push(item.input);
      else {
        const units = exposures.get(item.experimentId) ?? new Set<string>();
        units.add(item.unitId);
        exposures.set(item.experimentId, units);
      }
    }
    try {
      await Promise.all([this.sendFeedback(feedback), this.sendInteractions(interactions), this.sendExposures(exposures)]);
    } finally {
      this.counters.inFlight -= items.length;
    }
  }

  private async sendFeedback(inputs: LogFeedbackInput[]): Promise<void> {
    for (const batch of chunks(inputs, this.options.batchSize)) {
      await this.deliver('logFeedbackBatch', batch.length, async () => {
        const result = await this.sender.feedback(batch);
        this.counters.sent.feedback += result.accepted + result.duplicates;
        this.counters.duplicates += result.duplicates;
        this.counters.rejected += result.rejected.length;
        for (const rejection of result.rejected) {
          this.options.onError(
            new FlywheelError(`logFeedbackBatch rejected feedback for request '${batch[rejection.index].requestId}': ${rejection.message}`, {
              code: rejection.code,
              extensions: { code: rejection.code, requestId: batch[rejection.index].requestId, idempotencyKey: batch[rejection.index].idempotencyKey },
              operation: 'LogFeedbackBatch',
            }),
          );
        }
      });
    }
  }

  private async sendInteractions(inputs: LogInteractionInput[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const input = inputs[next++];
        await this.deliver('logInteraction', 1, async () => {
          await this.sender.interaction(input);
          this.counters.sent.interactions++;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.interactionConcurrency, inputs.length) }, worker));
  }

  private async sendExposures(exposures: Map<string, Set<string>>): Promise<void> {
    for (const [experimentId, units] of exposures) {
      for (const batch of chunks([...units], this.options.batchSize)) {
        await this.deliver('assignBatch', batch.length, async () => {
          await this.sender.exposures(experimentId, batch);
          this.counters.sent.exposures += batch.length;
        });
      }
    }
  }

  /** One request with retries; a final failure counts its items as failed and is reported, never thrown. */
  private async deliver(operation: string, count: number, work: () => Promise<void>): Promise<void> {
    try {
      await withRetry(work, this.options.retry, () => this.counters.retries++);
    } catch (error) {
      this.counters.failed += count;
      this.options.onError(
        error instanceof FlywheelError
          ? error
          : new FlywheelError(`${operation}: ${error instanceof Error ? error.message : String(error)}`, { code: 'INTERNAL_CLIENT_ERROR', operation, cause: error }),
      );
    }
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
