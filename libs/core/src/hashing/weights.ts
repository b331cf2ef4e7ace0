/**
 * Checks variant weights and scales them to sum to 1.
 *
 * @param weights one positive, finite weight per variant, control first
 * @returns the weights divided by their sum
 * @throws {RangeError} naming `normaliseWeights` when the list is empty or a weight is not a positive finite number
 * @example normaliseWeights([1, 1, 2]) // [0.25, 0.25, 0.5]
 */
export function normaliseWeights(weights: readonly number[]): number[] {
  const total = checkedWeightTotal(weights, 'normaliseWeights');
  return weights.map((weight) => weight / total);
}

/**
 * The sum of the weights, after checking each one. Shared by the functions that
 * take weights so that each error names its caller.
 * @internal
 */
export function checkedWeightTotal(weights: readonly number[], caller: string): number {
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new RangeError(`${caller}: weights must be a non-empty array`);
  }
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i];
    if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) {
      throw new RangeError(`${caller}: weights must be positive finite numbers, got ${String(weight)} at index ${i}`);
    }
    total += weight;
  }
  if (!Number.isFinite(total)) throw new RangeError(`${caller}: weights sum to ${total}`);
  return total;
}

/**
 * The variant a bucket falls in. Variants take ranges of [0, 1] from the top
 * down in listed order: the control (index 0) gets [1 − w0, 1], the next
 * [1 − w0 − w1, 1 − w0), …, the last [0, w_last). For 50/50 `[A, B]` a bucket
 * below 0.5 is B, as in the seed's `ABExperiment.assign`.
 *
 * Each range's lower edge is computed as the (normalised) sum of the weights
 * listed after it rather than as `1 − (w0 + … )`, so that two variants with
 * weights `[1 − s, s]` split exactly at `s`, bit for bit like the seed's
 * `bucket < traffic_split`.
 *
 * @param bucket a number in [0, 1], e.g. from {@link assignmentBucket}
 * @param weights positive weights, control first; normalised internally
 * @returns the index of the chosen variant
 * @throws {RangeError} naming `pickVariant` for invalid weights or a bucket outside [0, 1]
 * @example pickVariant(0.3, [1, 1]) // 1 (B)
 */
export function pickVariant(bucket: number, weights: readonly number[]): number {
  const total = checkedWeightTotal(weights, 'pickVariant');
  if (!(bucket >= 0 && bucket <= 1)) {
    throw new RangeError(`pickVariant: bucket must lie in [0, 1], got ${bucket}`);
  }
  return pickChecked(bucket, weights, total);
}

/** {@link pickVariant} without the checks; `total` is the weights' sum. @internal */
export function pickChecked(bucket: number, weights: readonly number[], total: number): number {
  const last = weights.length - 1;
  let chosen = last;
  let below = 0;
  for (let i = last - 1; i >= 0; i--) {
    below += weights[i + 1];
    if (bucket >= below / total) chosen = i;
    else break;
  }
  return chosen;
}
