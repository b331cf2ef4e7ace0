// A feedback load as a careful client sends it: batches with fixed idempotency
// keys, each retried until the server acknowledges it (an answer with the
// batch's counts), whatever happens in between (refused connections, gateway
// errors, 503s). Items are deterministic, so the test knows the exact sums the
// database must hold afterwards.
import { sleep, type FaultStack } from './fault-stack';

export const LOG_BATCH = `mutation($inputs: [LogFeedbackInput!]!) { logFeedbackBatch(inputs: $inputs) { accepted duplicates rejected { index code message } } }`;
export const CREATE_EXPERIMENT = `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`;
export const START_EXPERIMENT = `mutation($id: ID!) { startExperiment(id: $id) { status } }`;
export const SUMMARY = `query($id: ID!) { feedbackSummary(experimentId: $id, metric: RATING) { variant n mean } }`;

export interface FeedbackItem {
  requestId: string;
  idempotencyKey: string;
  experimentId: string;
  variant: string;
  rating: number;
}

export interface LoadOptions {
  prefix: string;
  experimentId: string;
  variants: string[];
  clients: number;
  batchesPerClient: number;
  batchSize: number;
  /** Give up on a batch (failing the test) after this long without an acknowledgement. */
  deadlineMs?: number;
}

export interface LoadProgress {
  acknowledgedBatches: number;
  /** Attempts that got no acknowledgement (network error, non-200, errors) and were retried. */
  failedAttempts: number;
  /** The first few distinct failure kinds, for the report. */
  failureKinds: Set<string>;
  /** Sum of `accepted` over acknowledgements. */
  accepted: number;
  /** Sum of `duplicates` over acknowledgements: retries of batches stored before their answer was lost. */
  duplicates: number;
  /** Every acknowledged item. */
  acknowledged: FeedbackItem[];
}

/** The items of one batch: the same on every retry. */
export function batchItems(options: LoadOptions, client: number, batch: number): FeedbackItem[] {
  return Array.from({ length: options.batchSize }, (_, index) => {
    const key = `${options.prefix}:c${client}:b${batch}:i${index}`;
    return {
      requestId: key,
      idempotencyKey: key,
      experimentId: options.experimentId,
      variant: options.variants[(client + batch + index) % options.variants.length],
      rating: 1 + ((client * 7 + batch * 3 + index) % 5),
    };
  });
}

/** Creates and starts an experiment with `variants` through the gateway. */
export async function startedExperiment(fault: FaultStack, name: string, variants: string[]): Promise<string> {
  const { createExperiment } = await fault.gqlOk(CREATE_EXPERIMENT, { input: { name, variants: variants.map((key) => ({ key })) } });
  await fault.gqlOk(START_EXPERIMENT, { id: createExperiment.id });
  return createExperiment.id as string;
}

/**
 * Runs `clients` concurrent clients, each sending its batches one after the
 * other and retrying each until acknowledged. `progress` is updated live so a
 * test can inject its fault in the middle.
 */
export function runFeedbackLoad(fault: FaultStack, options: LoadOptions, progress: LoadProgress = newProgress()): { progress: LoadProgress; done: Promise<LoadProgress> } {
  const deadlineMs = options.deadlineMs ?? 60_000;
  const client = async (index: number) => {
    for (let batch = 0; batch < options.batchesPerClient; batch += 1) {
      const inputs = batchItems(options, index, batch);
      const giveUp = Date.now() + deadlineMs;
      for (let attempt = 1; ; attempt += 1) {
        const result = await fault.gql(LOG_BATCH, { inputs }, { timeoutMs: 15_000 });
        const answer = result.data?.logFeedbackBatch as { accepted: number; duplicates: number; rejected: unknown[] } | undefined;
        if (result.status === 200 && answer && !result.errors?.length) {
          if (answer.rejected.length || answer.accepted + answer.duplicates !== inputs.length) {
            throw new Error(`batch ${index}/${batch} acknowledged with wrong counts: ${JSON.stringify(answer)}`);
          }
          progress.acknowledgedBatches += 1;
          progress.accepted += answer.accepted;
          progress.duplicates += answer.duplicates;
          progress.acknowledged.push(...inputs);
          break;
        }
        progress.failedAttempts += 1;
        if (progress.failureKinds.size < 8) progress.failureKinds.add(result.error ?? `${result.status} ${result.errors?.[0]?.extensions?.code ?? ''}`.trim());
        if (Date.now() > giveUp) throw new Error(`batch ${index}/${batch} not acknowledged after ${attempt} attempts: ${JSON.stringify(result).slice(0, 500)}`);
        await sleep(Math.min(50 * attempt, 500));
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.clients }, (_, index) => client(index))).then(() => progress);
  return { progress, done };
}

export function newProgress(): LoadProgress {
  return { acknowledgedBatches: 0, failedAttempts: 0, failureKinds: new Set(), accepted: 0, duplicates: 0, acknowledged: [] };
}

/** Per-variant n and mean of the ratings of `items`, computed here, independently of the server. */
export function expectedSummary(items: FeedbackItem[]): Record<string, { n: number; mean: number }> {
  const sums: Record<string, { n: number; total: number }> = {};
  for (const item of items) {
    sums[item.variant] ??= { n: 0, total: 0 };
    sums[item.variant].n += 1;
    sums[item.variant].total += item.rating;
  }
  return Object.fromEntries(Object.entries(sums).map(([variant, { n, total }]) => [variant, { n, mean: total / n }]));
}

/** Idempotency keys starting with `prefix` in the feedback table, each with how many rows it has. */
export async function storedKeys(fault: FaultStack, prefix: string): Promise<Map<string, number>> {
  const { rows } = await fault.db.query<{ key: string; n: number }>(
    `SELECT idempotency_key AS key, count(*)::int AS n FROM feedback WHERE idempotency_key LIKE $1 GROUP BY idempotency_key`,
    [`${prefix}:%`],
  );
  return new Map(rows.map((row) => [row.key, row.n]));
}
