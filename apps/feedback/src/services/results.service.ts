import type { DataSource } from 'typeorm';
import { BadUserInputError, NotFoundError } from '@flywheel/server';
import type { FeedbackMetricValue } from '../models';
import { computeResults, summarizeVariants, type ExperimentResultsResult, type ResultsInput, type RollupMetric, type RollupStats, type VariantSummaryResult } from './results';
import { isUuid } from './validation';

/**
 * Experiment results from the rollups: per experiment, three small reads
 * (variants, rollup rows, first-exposure counts), whatever the number of
 * feedback rows. The exposure count is a GROUP BY over the experiment's
 * exposures, answered from the experiment module's index
 * `ix_experiment_exposure_variant (experiment_id, variant_key, forced)`
 * (an index-only scan: O(exposed units), not O(feedback rows)).
 */
export class ResultsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The inputs of results for a batch of experiment ids (null for an unknown experiment); for a DataLoader. */
  async inputsFor(ids: readonly string[]): Promise<Array<ResultsInput | null>> {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (valid.length === 0) return ids.map(() => null);
    const [variantRows, rollupRows, exposureRows] = await Promise.all([
      this.dataSource.query(
        `SELECT experiment_id::text AS experiment_id, key, weight FROM experiment_variant WHERE experiment_id = ANY($1::uuid[]) ORDER BY experiment_id, position`,
        [valid],
      ) as Promise<Array<{ experiment_id: string; key: string; weight: number }>>,
      this.dataSource.query(
        `SELECT experiment_id::text AS experiment_id, variant, metric, n, sum, sum_sq, histogram FROM feedback_rollup_total WHERE experiment_id = ANY($1::uuid[])`,
        [valid],
      ) as Promise<Array<{ experiment_id: string; variant: string; metric: RollupMetric; n: string; sum: number; sum_sq: number; histogram: string[] | null }>>,
      this.dataSource.query(
        `SELECT experiment_id::text AS experiment_id, variant_key, count(*)::bigint AS n FROM experiment_exposure
         WHERE experiment_id = ANY($1::uuid[]) AND NOT forced GROUP BY experiment_id, variant_key`,
        [valid],
      ) as Promise<Array<{ experiment_id: string; variant_key: string; n: string }>>,
    ]);
    const inputs = new Map<string, ResultsInput>();
    for (const row of variantRows) {
      let input = inputs.get(row.experiment_id);
      if (!input) {
        input = { experimentId: row.experiment_id, variants: [], rollups: new Map(), exposures: new Map() };
        inputs.set(row.experiment_id, input);
      }
      input.variants.push({ key: row.key, weight: row.weight });
    }
    for (const row of rollupRows) {
      const input = inputs.get(row.experiment_id);
      if (!input) continue;
      const byMetric = input.rollups.get(row.variant) ?? new Map<RollupMetric, RollupStats>();
      byMetric.set(row.metric, { n: Number(row.n), sum: row.sum, sumSq: row.sum_sq, histogram: row.histogram ? row.histogram.map(Number) : null });
      input.rollups.set(row.variant, byMetric);
    }
    for (const row of exposureRows) inputs.get(row.experiment_id)?.exposures.set(row.variant_key, Number(row.n));
    return ids.map((id) => inputs.get(id.toLowerCase()) ?? null);
  }

  /** Per-variant summaries (95 % t intervals) of one metric. */
  summary(input: ResultsInput | null, experimentId: string, metric: FeedbackMetricValue): VariantSummaryResult[] {
    return summarizeVariants(existing(input, experimentId), metric, 0.95);
  }

  /** The full results of one metric (see {@link computeResults}). */
  results(
    input: ResultsInput | null,
    experimentId: string,
    args: { metric: FeedbackMetricValue; confidence: number; minDetectableEffect?: number | null },
  ): ExperimentResultsResult {
    if (!(args.confidence > 0 && args.confidence < 1)) {
      throw new BadUserInputError(`confidence must be strictly between 0 and 1; got ${args.confidence}`, { field: 'confidence' });
    }
    if (args.minDetectableEffect != null && !(Number.isFinite(args.minDetectableEffect) && args.minDetectableEffect > 0)) {
      throw new BadUserInputError(`minDetectableEffect must be a positive number; got ${args.minDetectableEffect}`, { field: 'minDetectableEffect' });
    }
    return computeResults(existing(input, experimentId), args);
  }
}

function existing(input: ResultsInput | null, experimentId: string): ResultsInput {
  if (!input) throw new NotFoundError(`No experiment with id ${experimentId}`, { experimentId });
  return input;
}
