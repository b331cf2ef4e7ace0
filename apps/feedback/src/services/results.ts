import {
  confidenceSequence,
  holm,
  mannWhitneyUFromCounts,
  probabilityToBeatControl,
  sampleRatioMismatch,
  sampleSizeForMeans,
  sampleSizeForProportions,
  samplesStillNeeded,
  summarize,
  twoProportionTest,
  welchTTest,
  type MomentStats,
} from '@flywheel/core';
import type { FeedbackMetricValue } from '../models';
import { quantileFromHistogram } from './latency-sketch';

// Experiment results from rollups: pure functions over the sufficient
// statistics, all statistics from @flywheel/core. NaN (a sample too small to
// say) becomes null here, at the API's edge.

/** One rollup row: the sufficient statistics of one metric of one variant. */
export interface RollupStats {
  n: number;
  sum: number;
  sumSq: number;
  histogram: number[] | null;
}

/** Rollup metrics: the API's metrics plus feedback's own latency (LATENCY's fallback). */
export type RollupMetric = FeedbackMetricValue | 'FEEDBACK_LATENCY';

/** What results are computed from, for one experiment. */
export interface ResultsInput {
  experimentId: string;
  /** control first (position 0) */
  variants: Array<{ key: string; weight: number }>;
  /** variant → metric → stats */
  rollups: Map<string, Map<RollupMetric, RollupStats>>;
  /** variant → first exposures (forced ones excluded) */
  exposures: Map<string, number>;
}

export interface VariantSummaryResult {
  variant: string;
  n: number;
  mean: number | null;
  stddev: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  p50: number | null;
  p95: number | null;
  ratingCounts: number[] | null;
}

export interface ComparisonResult {
  variant: string;
  control: string;
  difference: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  relativeLift: number | null;
  relativeLiftCiLow: number | null;
  relativeLiftCiHigh: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  significant: boolean;
  sequentialCiLow: number | null;
  sequentialCiHigh: number | null;
  sequentialSignificant: boolean;
  mannWhitneyPValue: number | null;
  probabilityToBeatControl: number | null;
}

export interface GuardrailResult {
  metric: 'LATENCY' | 'COST';
  variant: string;
  control: string;
  difference: number | null;
  relativeLift: number | null;
  pValue: number | null;
  violated: boolean;
}

export type DecisionCode = 'SAMPLE_RATIO_MISMATCH' | 'GUARDRAIL_VIOLATED' | 'KEEP_RUNNING' | 'TREATMENT_WINS' | 'CONTROL_WINS' | 'NO_DIFFERENCE';

export interface ExperimentResultsResult {
  metric: FeedbackMetricValue;
  confidence: number;
  control: string;
  variants: VariantSummaryResult[];
  comparisons: ComparisonResult[];
  srm: { pValue: number; observed: number[]; expected: number[]; mismatch: boolean };
  samplesNeeded: number | null;
  samplesStillNeeded: number | null;
  minDetectableEffect: number | null;
  guardrails: GuardrailResult[];
  decision: string;
  decisionCode: DecisionCode;
}

/** NaN and ±Infinity are "cannot say": null in the API. */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

const lowerIsBetter = (metric: FeedbackMetricValue): boolean => metric === 'LATENCY' || metric === 'COST';

const EMPTY: RollupStats = { n: 0, sum: 0, sumSq: 0, histogram: null };

/**
 * The stats of one metric per variant. LATENCY is per interaction; when no
 * interaction of the experiment carries a latency, feedback's latencyMs (the
 * seed's way of reporting it) stands in.
 */
export function metricStats(input: ResultsInput, metric: FeedbackMetricValue): RollupStats[] {
  let source: RollupMetric = metric;
  if (metric === 'LATENCY') {
    const fromInteractions = input.variants.some((v) => (input.rollups.get(v.key)?.get('LATENCY')?.n ?? 0) > 0);
    if (!fromInteractions) source = 'FEEDBACK_LATENCY';
  }
  return input.variants.map((v) => input.rollups.get(v.key)?.get(source) ?? EMPTY);
}

const moments = (s: RollupStats): MomentStats => ({ n: s.n, sum: s.sum, sumSq: s.sumSq });

/** Per-variant summaries of one metric (n, mean, stddev, t interval; percentiles for LATENCY, counts for RATING). */
export function summarizeVariants(input: ResultsInput, metric: FeedbackMetricValue, confidence = 0.95): VariantSummaryResult[] {
  const stats = metricStats(input, metric);
  return input.variants.map((variant, i) => {
    const summary = summarize(moments(stats[i]), confidence);
    const histogram = stats[i].histogram;
    return {
      variant: variant.key,
      n: summary.n,
      mean: finiteOrNull(summary.mean),
      stddev: finiteOrNull(summary.stddev),
      ciLow: finiteOrNull(summary.ciLow),
      ciHigh: finiteOrNull(summary.ciHigh),
      p50: metric === 'LATENCY' && histogram ? quantileFromHistogram(histogram, 0.5) : null,
      p95: metric === 'LATENCY' && histogram ? quantileFromHistogram(histogram, 0.95) : null,
      ratingCounts: metric === 'RATING' ? ratingCounts(stats[i]) : null,
    };
  });
}

function ratingCounts(stats: RollupStats): number[] {
  return [0, 1, 2, 3, 4].map((i) => stats.histogram?.[i] ?? 0);
}

/**
 * The full results of one metric: summaries, comparisons with the control
 * (Welch, or two-proportion for THUMBS; Holm-adjusted over treatments; an
 * always-valid interval; Mann–Whitney for RATING; P(beat control)), the
 * sample-ratio check, the sample size, guardrails and the decision.
 */
export function computeResults(
  input: ResultsInput,
  options: { metric: FeedbackMetricValue; confidence: number; minDetectableEffect?: number | null },
): ExperimentResultsResult {
  const { metric, confidence } = options;
  const alpha = 1 - confidence;
  const control = input.variants[0];
  const stats = metricStats(input, metric);
  const variants = summarizeVariants(input, metric, confidence);
  const comparisons = compare(input, metric, stats, confidence);
  const srm = sampleRatio(input);

  let samplesNeeded: number | null = null;
  let minDetectableEffect: number | null = null;
  const controlSummary = variants[0];
  if (controlSummary && controlSummary.mean !== null && controlSummary.n >= 2) {
    minDetectableEffect = options.minDetectableEffect ?? 0.05 * Math.abs(controlSummary.mean);
    samplesNeeded = plan(metric, controlSummary.mean, controlSummary.stddev ?? 0, minDetectableEffect, alpha);
  }
  const stillNeeded = samplesNeeded === null ? null : samplesStillNeeded(samplesNeeded, stats.map((s) => s.n)).total;
  const guardrails = (['LATENCY', 'COST'] as const).flatMap((guardrail) => guardrailChecks(input, guardrail, alpha));
  const { decision, decisionCode } = decide({
    metric,
    control: control?.key ?? '',
    stats,
    variants: input.variants.map((v) => v.key),
    comparisons,
    srm,
    guardrails,
    samplesNeeded,
  });
  return {
    metric,
    confidence,
    control: control?.key ?? '',
    variants,
    comparisons,
    srm,
    samplesNeeded,
    samplesStillNeeded: stillNeeded,
    minDetectableEffect,
    guardrails,
    decision,
    decisionCode,
  };
}

/** Observations per variant for a two-sided test at `alpha` with 80 % power; null when it cannot be planned (no spread, a rate at 0 or 1). */
function plan(metric: FeedbackMetricValue, controlMean: number, controlStddev: number, effect: number, alpha: number): number | null {
  try {
    if (metric === 'THUMBS') {
      // Plan towards the side that stays inside (0, 1).
      const delta = controlMean + effect < 1 ? effect : -effect;
      return sampleSizeForProportions({ baseline: controlMean, minDetectableEffect: delta, alpha });
    }
    return sampleSizeForMeans({ stddev: controlStddev, minDetectableEffect: effect, alpha });
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

function compare(input: ResultsInput, metric: FeedbackMetricValue, stats: RollupStats[], confidence: number): ComparisonResult[] {
  const control = input.variants[0];
  const c = stats[0];
  const raw = input.variants.slice(1).map((variant, k) => {
    const t = stats[k + 1];
    const base: ComparisonResult = {
      variant: variant.key,
      control: control.key,
      difference: null,
      ciLow: null,
      ciHigh: null,
      relativeLift: null,
      relativeLiftCiLow: null,
      relativeLiftCiHigh: null,
      pValue: null,
      adjustedPValue: null,
      significant: false,
      sequentialCiLow: null,
      sequentialCiHigh: null,
      sequentialSignificant: false,
      mannWhitneyPValue: null,
      probabilityToBeatControl: null,
    };
    if (t.n < 2 || c.n < 2) return base;
    const test =
      metric === 'THUMBS'
        ? twoProportionTest({ n: t.n, successes: t.sum }, { n: c.n, successes: c.sum }, confidence)
        : welchTTest(moments(t), moments(c), confidence);
    const sequential = confidenceSequence(moments(t), moments(c), { confidence });
    const beats =
      metric === 'THUMBS'
        ? probabilityToBeatControl({ n: t.n, successes: t.sum }, { n: c.n, successes: c.sum })
        : probabilityToBeatControl(moments(t), moments(c));
    let mannWhitneyPValue: number | null = null;
    if (metric === 'RATING') mannWhitneyPValue = finiteOrNull(mannWhitneyUFromCounts(ratingCounts(t), ratingCounts(c)).pValue);
    return {
      ...base,
      difference: finiteOrNull(test.difference),
      ciLow: finiteOrNull(test.ciLow),
      ciHigh: finiteOrNull(test.ciHigh),
      relativeLift: finiteOrNull(test.relativeLift),
      relativeLiftCiLow: finiteOrNull(test.relativeLiftCiLow),
      relativeLiftCiHigh: finiteOrNull(test.relativeLiftCiHigh),
      pValue: finiteOrNull(test.pValue),
      sequentialCiLow: finiteOrNull(sequential.ciLow),
      sequentialCiHigh: finiteOrNull(sequential.ciHigh),
      sequentialSignificant: sequential.significant,
      mannWhitneyPValue,
      probabilityToBeatControl: finiteOrNull(lowerIsBetter(metric) ? 1 - beats : beats),
    };
  });
  // Holm over the treatments that have a p-value (family-wise error across treatments).
  const tested = raw.filter((r) => r.pValue !== null);
  const adjusted = tested.length > 0 ? holm(tested.map((r) => r.pValue as number)) : [];
  tested.forEach((r, i) => {
    r.adjustedPValue = adjusted[i];
    r.significant = adjusted[i] < 1 - confidence;
  });
  return raw;
}

function sampleRatio(input: ResultsInput): ExperimentResultsResult['srm'] {
  const observed = input.variants.map((v) => input.exposures.get(v.key) ?? 0);
  if (input.variants.length < 2) return { pValue: 1, observed, expected: observed.slice(), mismatch: false };
  const result = sampleRatioMismatch(observed, input.variants.map((v) => v.weight));
  return { pValue: result.pValue, observed, expected: result.expected, mismatch: result.mismatch };
}

/** A treatment significantly higher (slower, dearer) than the control on LATENCY or COST. */
function guardrailChecks(input: ResultsInput, metric: 'LATENCY' | 'COST', alpha: number): GuardrailResult[] {
  const stats = metricStats(input, metric);
  const c = stats[0];
  return input.variants.slice(1).flatMap((variant, k) => {
    const t = stats[k + 1];
    if (t.n < 2 || c.n < 2) return [];
    const test = welchTTest(moments(t), moments(c), 1 - alpha);
    return [
      {
        metric,
        variant: variant.key,
        control: input.variants[0].key,
        difference: finiteOrNull(test.difference),
        relativeLift: finiteOrNull(test.relativeLift),
        pValue: finiteOrNull(test.pValue),
        violated: test.difference > 0 && test.pValue < alpha,
      },
    ];
  });
}

const percent = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`);
const signed = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))}`);
const pText = (p: number | null): string => (p === null ? 'n/a' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** The plain-words verdict, in order: broken data, guardrails, not enough data, a winner, no difference. */
function decide(args: {
  metric: FeedbackMetricValue;
  control: string;
  stats: RollupStats[];
  variants: string[];
  comparisons: ComparisonResult[];
  srm: ExperimentResultsResult['srm'];
  guardrails: GuardrailResult[];
  samplesNeeded: number | null;
}): { decision: string; decisionCode: DecisionCode } {
  const { metric, control, stats, comparisons, srm, guardrails, samplesNeeded } = args;
  if (srm.mismatch) {
    return {
      decisionCode: 'SAMPLE_RATIO_MISMATCH',
      decision: `sample ratio mismatch: do not trust these results (exposures ${srm.observed.join('/')} against expected ${srm.expected
        .map((e) => e.toFixed(0))
        .join('/')}, p = ${pText(srm.pValue)}); check assignment and exposure logging`,
    };
  }
  const violated = guardrails.filter((g) => g.violated);
  if (violated.length > 0) {
    return {
      decisionCode: 'GUARDRAIL_VIOLATED',
      decision: violated
        .map((g) => `guardrail: ${g.variant} is significantly ${g.metric === 'LATENCY' ? 'slower' : 'dearer'} than ${g.control} (${g.metric} ${percent(g.relativeLift)}, p = ${pText(g.pValue)}): do not ship ${g.variant}`)
        .join('; '),
    };
  }
  const better = (c: ComparisonResult): boolean => c.difference !== null && (lowerIsBetter(metric) ? c.difference < 0 : c.difference > 0);
  const minN = Math.min(...stats.map((s) => s.n));
  const winnerText = (c: ComparisonResult, how: string): string =>
    `${c.variant} wins${how}: ${signed(c.difference)} (${percent(c.relativeLift)}) ${metric} over ${control}, p = ${pText(c.adjustedPValue)}`;
  if (comparisons.length === 0) return { decisionCode: 'KEEP_RUNNING', decision: 'keep running: the experiment has no treatment to compare' };
  if (comparisons.some((c) => c.pValue === null)) {
    return { decisionCode: 'KEEP_RUNNING', decision: `keep running: collecting data (n = ${stats.map((s) => s.n).join(', ')} per variant; at least 2 each are needed)` };
  }
  if (samplesNeeded !== null && minN < samplesNeeded) {
    // Before the planned size only the always-valid interval may stop the experiment.
    const early = comparisons.filter((c) => c.sequentialSignificant && better(c));
    if (early.length > 0) return { decisionCode: 'TREATMENT_WINS', decision: `${winnerText(best(early, metric), ' early')} (the always-valid interval excludes 0)` };
    return { decisionCode: 'KEEP_RUNNING', decision: `keep running: ${minN} of ${samplesNeeded} samples per variant` };
  }
  const winners = comparisons.filter((c) => c.significant && better(c));
  if (winners.length > 0) return { decisionCode: 'TREATMENT_WINS', decision: winnerText(best(winners, metric), '') };
  if (comparisons.every((c) => c.significant && !better(c))) {
    return { decisionCode: 'CONTROL_WINS', decision: `${control} (control) wins: every treatment is significantly worse on ${metric}` };
  }
  return {
    decisionCode: 'NO_DIFFERENCE',
    decision: `no significant difference on ${metric} at ${minN}+ samples per variant: keep ${control} or test a bigger change`,
  };
}

function best(candidates: ComparisonResult[], metric: FeedbackMetricValue): ComparisonResult {
  const sign = lowerIsBetter(metric) ? -1 : 1;
  return candidates.reduce((a, b) => (sign * (b.difference ?? 0) > sign * (a.difference ?? 0) ? b : a));
}
