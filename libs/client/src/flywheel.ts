import { AssignBatchDocument, LogFeedbackBatchDocument, LogInteractionDocument } from './__generated__/graphql';
import { ExperimentsClient } from './experiments';
import { FeedbackClient, InteractionsClient } from './feedback';
import { FlywheelError } from './flywheel-error';
import { IngestQueue, type IngestStats } from './ingest-queue';
import { ModelsClient } from './models';
import { PromptsClient } from './prompts';
import { DEFAULT_RETRY } from './retry';
import { RunsClient } from './runs';
import { Transport } from './transport';

/** Configuration of a {@link Flywheel} client; only `url` and `apiKey` are required. */
export interface FlywheelOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` (a VIEWER key reads prompts and experiments; EDITOR also writes). */
  apiKey: string;
  /** An INGEST key for assignBatch, logInteraction and logFeedbackBatch; `apiKey` when absent. */
  ingestApiKey?: string;
  /** Per-request timeout. Default 10 000. */
  timeoutMs?: number;
  /** How long a fetched prompt is served without asking again. Default 60 000. */
  promptCacheTtlMs?: number;
  /** How long an experiment definition is used before a background refresh. Default 30 000. */
  experimentRefreshMs?: number;
  /** Wait after a failed background refresh of a prompt or experiment. Default 5 000. */
  refreshRetryMs?: number;
  /** Queued items at most (feedback, interactions, exposures); further ones are dropped and counted. Default 10 000. */
  maxQueueSize?: number;
  /** Items per request (1 … 5 000, the server's batch limit). Default 1 000. */
  batchSize?: number;
  /** A flush runs at least this often while items wait. Default 1 000. */
  flushIntervalMs?: number;
  /** Retries of a failed ingestion request (network errors, 5xx). Default 5. */
  maxRetries?: number;
  /** First backoff, doubling per retry up to `retryMaxDelayMs`. Defaults 200 and 10 000. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Parallel logInteraction calls during a flush. Default 8. */
  interactionConcurrency?: number;
  /** Queue first exposures of local assignments. Default true. */
  recordExposures?: boolean;
  /** Told about errors that are not thrown: failed deliveries, rejected feedback, failed background refreshes. Default: `console.warn`. */
  onError?: (error: FlywheelError) => void;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
  /** The clock, in ms (for tests). Default `Date.now`. */
  now?: () => number;
}

/** Everything the client counted: the ingestion queue, the prompt cache and assignment. */
export interface FlywheelStats extends IngestStats {
  prompts: ReturnType<PromptsClient['stats']>;
  experiments: ReturnType<ExperimentsClient['stats']>;
}

function positive(options: FlywheelOptions, name: keyof FlywheelOptions, fallback: number, max = Number.MAX_SAFE_INTEGER, allowZero = false): number {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < (allowZero ? 0 : 1) || value > max || !Number.isInteger(value)) {
    throw new TypeError(`Flywheel: options.${name} must be an integer from ${allowZero ? 0 : 1} to ${max}; got ${String(value)}`);
  }
  return value;
}

/**
 * The Flywheel client: one per process, shared by every request.
 *
 * ```ts
 * const fw = new Flywheel({ url: 'http://localhost:4000/graphql', apiKey: process.env.FLYWHEEL_API_KEY! });
 * const prompt = await fw.prompts.get('summarizer');            // cached: no request once warm
 * const arm = await fw.experiments.assign('summarizer_prompt', userId); // computed locally
 * fw.feedback.log({ requestId, experimentId: arm?.experimentId, variant: arm?.variant, rating: 5 });
 * await fw.shutdown();                                          // flush the queue before exit
 * ```
 */
export class Flywheel {
  readonly prompts: PromptsClient;
  readonly experiments: ExperimentsClient;
  readonly feedback: FeedbackClient;
  readonly interactions: InteractionsClient;
  readonly runs: RunsClient;
  readonly models: ModelsClient;
  private readonly queue: IngestQueue;

  constructor(options: FlywheelOptions) {
    if (typeof options?.url !== 'string' || !/^https?:\/\/./.test(options.url)) {
      throw new TypeError(`Flywheel: options.url must be the gateway's http(s) URL, e.g. http://localhost:4000/graphql; got ${JSON.stringify(options?.url)}`);
    }
    if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) throw new TypeError('Flywheel: options.apiKey is required (an API key of the gateway)');
    if (options.ingestApiKey !== undefined && (typeof options.ingestApiKey !== 'string' || options.ingestApiKey.length === 0)) {
      throw new TypeError('Flywheel: options.ingestApiKey must be a non-empty string when given');
    }
    const now = options.now ?? Date.now;
    const onError = options.onError ?? ((error: FlywheelError) => console.warn(`[flywheel] ${error.code}: ${error.message}`));
    const refreshRetryMs = positive(options, 'refreshRetryMs', 5_000, Number.MAX_SAFE_INTEGER, true);
    const transport = new Transport({
      url: options.url,
      apiKey: options.apiKey,
      ingestApiKey: options.ingestApiKey,
      timeoutMs: positive(options, 'timeoutMs', 10_000),
      headers: options.headers,
      fetch: options.fetch,
    });
    this.queue = new IngestQueue(
      {
        feedback: async (inputs) => (await transport.request(LogFeedbackBatchDocument, { inputs }, 'ingest')).logFeedbackBatch,
        interaction: async (input) => void (await transport.request(LogInteractionDocument, { input }, 'ingest')),
        exposures: async (experimentId, unitIds) => void (await transport.request(AssignBatchDocument, { experiment: experimentId, unitIds }, 'ingest')),
      },
      {
        maxQueueSize: positive(options, 'maxQueueSize', 10_000),
        batchSize: positive(options, 'batchSize', 1_000, 5_000),
        flushIntervalMs: positive(options, 'flushIntervalMs', 1_000),
        interactionConcurrency: positive(options, 'interactionConcurrency', 8, 256),
        retry: {
          maxRetries: positive(options, 'maxRetries', DEFAULT_RETRY.maxRetries, 100, true),
          baseDelayMs: positive(options, 'retryBaseDelayMs', DEFAULT_RETRY.baseDelayMs, Number.MAX_SAFE_INTEGER, true),
          maxDelayMs: positive(options, 'retryMaxDelayMs', DEFAULT_RETRY.maxDelayMs, Number.MAX_SAFE_INTEGER, true),
        },
        onError,
      },
    );
    this.prompts = new PromptsClient(transport, { ttlMs: positive(options, 'promptCacheTtlMs', 60_000, Number.MAX_SAFE_INTEGER, true), refreshRetryMs, onError, now });
    this.experiments = new ExperimentsClient(transport, this.queue, {
      refreshMs: positive(options, 'experimentRefreshMs', 30_000, Number.MAX_SAFE_INTEGER, true),
      refreshRetryMs,
      recordExposures: options.recordExposures ?? true,
      onError,
      now,
    });
    this.feedback = new FeedbackClient(this.queue);
    this.interactions = new InteractionsClient(this.queue);
    this.runs = new RunsClient(transport);
    this.models = new ModelsClient(transport);
  }

  /** Sends everything queued so far (feedback, interactions, exposures); resolves when delivered or given up on. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Flushes and stops: later `log` calls are dropped (and counted). Call it before the process exits. */
  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }

  /** Counters of the queue (`queued`, `sent`, `dropped`, `failed`, `rejected`, `duplicates`, `retries`), the prompt cache and assignment. */
  stats(): FlywheelStats {
    return { ...this.queue.stats(), prompts: this.prompts.stats(), experiments: this.experiments.stats() };
  }
}
