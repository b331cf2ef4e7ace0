// The latency sketch kept in `feedback_rollup.histogram` for LATENCY: fixed,
// log-spaced buckets (DDSketch's mapping, Masson, Rim & Lee, VLDB 2019), so
// histograms of any two batches add element-wise and percentiles come from the
// rollup without reading rows. The SQL function `feedback_latency_bucket` in
// the feedback migration computes the same bucket; keep the two in step.

/** Relative accuracy: a percentile read from the sketch is within 5 % of a sample value at that rank. */
export const LATENCY_SKETCH_ALPHA = 0.05;
/** Bucket growth factor γ = (1 + α) / (1 − α). */
export const LATENCY_SKETCH_GAMMA = (1 + LATENCY_SKETCH_ALPHA) / (1 - LATENCY_SKETCH_ALPHA);
/** Bucket count: [0, 1 ms), then [γ^j, γ^(j+1)) for j = 0 … 151, then everything from γ^152 ≈ 67 min up. */
export const LATENCY_SKETCH_BUCKETS = 154;

/** The 1-based bucket of a latency in ms (as the SQL function `feedback_latency_bucket`). */
export function latencyBucket(ms: number): number {
  if (ms < 1) return 1;
  return Math.min(LATENCY_SKETCH_BUCKETS, 2 + Math.floor(Math.log(ms) / Math.log(LATENCY_SKETCH_GAMMA)));
}

/**
 * The value reported for a bucket: 2γ^(j+1)/(γ+1) for [γ^j, γ^(j+1)), within
 * ±α (relative) of every value in the bucket; 0.5 ms for the first bucket
 * (absolute error < 0.5 ms); the lower edge for the open last bucket.
 */
export function latencyBucketValue(bucket: number): number {
  if (bucket <= 1) return 0.5;
  const j = bucket - 2;
  if (bucket >= LATENCY_SKETCH_BUCKETS) return LATENCY_SKETCH_GAMMA ** j;
  return (2 * LATENCY_SKETCH_GAMMA ** (j + 1)) / (LATENCY_SKETCH_GAMMA + 1);
}

/**
 * The nearest-rank q-quantile (the smallest value with at least q·n values at
 * or below it, as `numpy.percentile(..., method='inverted_cdf')`) read from a
 * histogram; null for an empty one.
 */
export function quantileFromHistogram(histogram: readonly number[], q: number): number | null {
  const n = histogram.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n - 1e-9));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return latencyBucketValue(i + 1);
  }
  return latencyBucketValue(histogram.length);
}
