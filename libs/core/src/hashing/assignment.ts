import { md5Prefix32, md5Prefix32Of3 } from './md5';
import { checkedWeightTotal, pickChecked } from './weights';

/** The assignment hash versions. Outputs of an existing version never change. */
export type AssignmentHashVersion = 1;

const MAX_32 = 0xffffffff;

/**
 * The seed-compatible assignment bucket of a unit, in [0, 1]:
 * `parseInt(md5(salt + ":" + unitId).slice(0, 8), 16) / 0xFFFFFFFF` over the
 * UTF-8 bytes of the string (as Python's `str.encode()`).
 *
 * Versioned like GrowthBook's `hash(seed, value, version)`: version 1 is the
 * seed's formula and its outputs will never change; a new formula would be a
 * new version.
 *
 * @param salt the experiment's salt (by default its name)
 * @param unitId the unit (user, session …) being assigned
 * @param version the hash version; only 1 exists
 * @returns a number in [0, 1]
 * @throws {RangeError} naming `assignmentBucket` for an unknown version
 * @example assignmentBucket('summarizer_prompt', 'user_101') // 0.0328… (below 0.5: B)
 */
export function assignmentBucket(salt: string, unitId: string, version: AssignmentHashVersion = 1): number {
  if (version !== 1) throw new RangeError(`assignmentBucket: unknown hash version ${String(version)}`);
  return md5Prefix32(salt, unitId) / MAX_32;
}

/**
 * The traffic-allocation hash of a unit, in [0, 1]: md5 of
 * `"traffic:" + salt + ":" + unitId`, read like {@link assignmentBucket}. The
 * prefix makes it independent of the assignment bucket, so units kept out of
 * the experiment are not concentrated in one variant's range.
 */
export function trafficBucket(salt: string, unitId: string): number {
  return md5Prefix32Of3('traffic', salt, unitId) / MAX_32;
}

/**
 * Whether a unit takes part in an experiment that admits a fraction
 * `allocation` of traffic: `trafficBucket < allocation` (and always for 1).
 * Monotone: raising the allocation only ever adds units, so a running
 * experiment can be widened without reshuffling anyone already in it.
 *
 * @param salt the experiment's salt
 * @param unitId the unit
 * @param allocation the fraction of units admitted, in [0, 1]
 * @throws {RangeError} naming `inTrafficAllocation` for an allocation outside [0, 1]
 */
export function inTrafficAllocation(salt: string, unitId: string, allocation: number): boolean {
  if (!(allocation >= 0 && allocation <= 1)) {
    throw new RangeError(`inTrafficAllocation: allocation must lie in [0, 1], got ${allocation}`);
  }
  return allocation >= 1 || (allocation > 0 && trafficBucket(salt, unitId) < allocation);
}

/**
 * The bucket of a unit within a layer of mutually exclusive experiments, in
 * [0, 1]: md5 of `"layer:" + layer + ":" + unitId`. It depends on the layer
 * only, not on any experiment, so experiments that own disjoint slices of
 * the layer see disjoint sets of units.
 */
export function layerBucket(layer: string, unitId: string): number {
  return md5Prefix32Of3('layer', layer, unitId) / MAX_32;
}

/** A slice `[start, end)` of a layer owned by one experiment (`end = 1` includes 1). */
export interface LayerSlice {
  /** the layer's name, shared by the mutually exclusive experiments */
  readonly name: string;
  /** lower edge, inclusive, in [0, 1] */
  readonly start: number;
  /** upper edge, exclusive (inclusive when 1), in [0, 1] */
  readonly end: number;
}

/**
 * Whether a unit falls in an experiment's slice of a layer. Experiments in one
 * layer with non-overlapping slices (see {@link checkLayerSlices}) never share
 * a unit.
 *
 * @throws {RangeError} naming `inLayerSlice` when not 0 ≤ start ≤ end ≤ 1
 */
export function inLayerSlice(layer: string, unitId: string, start: number, end: number): boolean {
  checkSlice(start, end, 'inLayerSlice');
  return inSlice(layerBucket(layer, unitId), start, end);
}

function inSlice(bucket: number, start: number, end: number): boolean {
  return bucket >= start && (bucket < end || (end === 1 && bucket === 1));
}

function checkSlice(start: number, end: number, caller: string): void {
  if (!(start >= 0 && start <= end && end <= 1)) {
    throw new RangeError(`${caller}: a layer slice needs 0 <= start <= end <= 1, got [${start}, ${end})`);
  }
}

/**
 * Checks that the slices of one layer do not overlap, for the service that
 * places experiments in layers.
 *
 * @param slices the slices already taken in a layer, plus a new one
 * @throws {RangeError} naming `checkLayerSlices` for an invalid slice or two that overlap
 */
export function checkLayerSlices(slices: ReadonlyArray<{ start: number; end: number }>): void {
  for (const slice of slices) checkSlice(slice.start, slice.end, 'checkLayerSlices');
  const sorted = [...slices].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) {
      throw new RangeError(
        `checkLayerSlices: [${sorted[i - 1].start}, ${sorted[i - 1].end}) and [${sorted[i].start}, ${sorted[i].end}) overlap`,
      );
    }
  }
}

/** What {@link assign} needs to know about one experiment and one unit. */
export interface AssignInput {
  /** the experiment's salt */
  readonly salt: string;
  /** the unit being assigned */
  readonly unitId: string;
  /** positive variant weights, control first (normalised internally) */
  readonly weights: readonly number[];
  /** fraction of units admitted, in [0, 1]; default 1 */
  readonly trafficAllocation?: number;
  /** the experiment's slice of a mutually exclusive layer, if any */
  readonly layer?: LayerSlice;
}

/** A unit's assignment: the variant's index and the bucket that chose it. */
export interface Assignment {
  readonly variantIndex: number;
  readonly bucket: number;
}

/**
 * Assigns one unit: null when it is outside the experiment's layer slice or
 * traffic allocation, else the variant whose top-down range holds its
 * {@link assignmentBucket}. Deterministic, and the one call made per request,
 * so it allocates nothing but the result.
 *
 * @throws {RangeError} naming `assign` for invalid weights, allocation or slice
 * @example assign({ salt: 'summarizer_prompt', unitId: 'user_101', weights: [1, 1] }) // { variantIndex: 1, bucket: 0.0328… }
 */
export function assign(input: AssignInput): Assignment | null {
  const { salt, unitId, weights, trafficAllocation, layer } = input;
  const total = checkedWeightTotal(weights, 'assign');
  if (layer !== undefined) {
    checkSlice(layer.start, layer.end, 'assign');
    if (!inSlice(layerBucket(layer.name, unitId), layer.start, layer.end)) return null;
  }
  if (trafficAllocation !== undefined && trafficAllocation !== 1) {
    if (!(trafficAllocation >= 0 && trafficAllocation <= 1)) {
      throw new RangeError(`assign: trafficAllocation must lie in [0, 1], got ${trafficAllocation}`);
    }
    if (!(trafficBucket(salt, unitId) < trafficAllocation)) return null;
  }
  const bucket = md5Prefix32(salt, unitId) / MAX_32;
  return { variantIndex: pickChecked(bucket, weights, total), bucket };
}

/**
 * Assigns many units of one experiment at once (for `assignBatch`): the
 * weights and options are checked once.
 *
 * @returns one entry per unit id, in order; null for units left out
 * @throws {RangeError} naming `assignMany` for invalid weights, allocation or slice
 */
export function assignMany(input: Omit<AssignInput, 'unitId'> & { readonly unitIds: readonly string[] }): Array<Assignment | null> {
  const { salt, unitIds, weights, layer } = input;
  const allocation = input.trafficAllocation ?? 1;
  const total = checkedWeightTotal(weights, 'assignMany');
  if (layer !== undefined) checkSlice(layer.start, layer.end, 'assignMany');
  if (!(allocation >= 0 && allocation <= 1)) {
    throw new RangeError(`assignMany: trafficAllocation must lie in [0, 1], got ${allocation}`);
  }
  const out = new Array<Assignment | null>(unitIds.length);
  for (let i = 0; i < unitIds.length; i++) {
    const unitId = unitIds[i];
    if (layer !== undefined && !inSlice(layerBucket(layer.name, unitId), layer.start, layer.end)) {
      out[i] = null;
    } else if (allocation < 1 && !(trafficBucket(salt, unitId) < allocation)) {
      out[i] = null;
    } else {
      const bucket = md5Prefix32(salt, unitId) / MAX_32;
      out[i] = { variantIndex: pickChecked(bucket, weights, total), bucket };
    }
  }
  return out;
}
