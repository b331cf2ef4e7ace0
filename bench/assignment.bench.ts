/**
 * Assignment speed: ns per call of @flywheel/core's assignment against
 * node:crypto md5 and against GrowthBook's evaluation of an inline experiment,
 * measured in the same run on the same unit ids.
 *
 *   npx tsx bench/assignment.bench.ts
 *
 * Prints `name  ours  baseline  ratio` (ns/call) and exports
 * `runAssignmentBench()` for a later `npm run bench`. The goal (issue 3):
 * at most half of GrowthBook's per-call cost while staying md5-compatible.
 */
import { runningAsScript } from './bench-row';
import * as crypto from 'node:crypto';
import { GrowthBookClient } from '@growthbook/growthbook';
import { assign, assignMany, assignmentBucket, pickVariant } from '../libs/core/src';

export interface BenchRow {
  name: string;
  unit: 'ns/call';
  ours: number;
  baseline: number;
  ratio: number;
  /** the largest acceptable ratio ours/baseline */
  goal: number;
  pass: boolean;
}

const SALT = 'summarizer_prompt';
const WEIGHTS = [0.5, 0.5];
const IDS = Array.from({ length: 4096 }, (_, i) => `user_${(i * 7919) % 1_000_003}`);
const MASK = IDS.length - 1;

// Results are folded into this so that no call can be optimised away.
let sink = 0;

/**
 * Median ns per call of each function. Rounds are interleaved (A, B, C, A, B,
 * C, …) so that load from other processes on a shared machine hits ours and
 * the baselines alike, and the ratios stay meaningful.
 */
function measureAll(fns: ReadonlyArray<(unitId: string) => number>, iterations = 100_000, rounds = 15): number[] {
  for (const fn of fns) for (let i = 0; i < 50_000; i++) sink += fn(IDS[i & MASK]); // warm up / JIT
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) sink += fn(IDS[i & MASK]);
      samples[k].push(Number(process.hrtime.bigint() - start) / iterations);
    });
  }
  return samples.map((s) => s.sort((a, b) => a - b)[rounds >> 1]);
}

function md5BucketCreateHash(unitId: string): number {
  const hex = crypto.createHash('md5').update(`${SALT}:${unitId}`, 'utf8').digest('hex');
  return pickVariant(parseInt(hex.slice(0, 8), 16) / 0xffffffff, WEIGHTS);
}

// crypto.hash (one-shot) exists from Node 20.12; fall back to createHash before that.
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: string) => string }).hash;
function md5BucketOneShot(unitId: string): number {
  const hex = oneShot ? oneShot('md5', `${SALT}:${unitId}`, 'hex') : crypto.createHash('md5').update(`${SALT}:${unitId}`).digest('hex');
  return pickVariant(parseInt(hex.slice(0, 8), 16) / 0xffffffff, WEIGHTS);
}

const growthbook = new GrowthBookClient({});
const experiment = { key: SALT, variations: [0, 1] as [number, number], weights: WEIGHTS };
function growthbookRun(unitId: string): number {
  return growthbook.runInlineExperiment(experiment, { attributes: { id: unitId } }).variationId;
}

function ours(unitId: string): number {
  return assign({ salt: SALT, unitId, weights: WEIGHTS })?.variantIndex ?? -1;
}

function oursWithAllocation(unitId: string): number {
  return assign({ salt: SALT, unitId, weights: WEIGHTS, trafficAllocation: 0.9 })?.variantIndex ?? -1;
}

function oursBucket(unitId: string): number {
  return assignmentBucket(SALT, unitId);
}

// assignMany over a batch of 1000 ids, counted per unit: each call of this
// function advances through the batch, assigning one slice of 1000 every
// 1000 calls, so its cost per call is the batch cost per unit.
const BATCH = 1000;
const batchIds = IDS.slice(0, BATCH);
let batchPosition = 0;
let batchResult: ReturnType<typeof assignMany> = [];
function oursBatchPerUnit(): number {
  if (batchPosition === 0) batchResult = assignMany({ salt: SALT, unitIds: batchIds, weights: WEIGHTS });
  const entry = batchResult[batchPosition];
  batchPosition = batchPosition + 1 === BATCH ? 0 : batchPosition + 1;
  return entry?.variantIndex ?? -1;
}

function row(name: string, oursNs: number, baselineNs: number, goal: number): BenchRow {
  const ratio = oursNs / baselineNs;
  return { name, unit: 'ns/call', ours: oursNs, baseline: baselineNs, ratio, goal, pass: ratio <= goal };
}

/** Runs the assignment benchmark; every number comes from this one run. */
export async function runAssignmentBench(): Promise<BenchRow[]> {
  // Same answers first: a benchmark of a wrong implementation is worthless.
  for (const id of IDS.slice(0, 200)) {
    if (ours(id) !== md5BucketCreateHash(id)) throw new Error(`assignment differs from node:crypto md5 for ${id}`);
  }
  const [gb, createHash, hashOneShot, assignNs, allocationNs, bucketNs, batchNs] = measureAll([
    growthbookRun,
    md5BucketCreateHash,
    md5BucketOneShot,
    ours,
    oursWithAllocation,
    oursBucket,
    oursBatchPerUnit,
  ]);
  return [
    row('assign vs GrowthBook runInlineExperiment', assignNs, gb, 0.5),
    row('assign vs node:crypto md5 createHash', assignNs, createHash, 1),
    row('assign vs node:crypto md5 one-shot hash', assignNs, hashOneShot, 1),
    row('assign+traffic(2 hashes) vs GrowthBook', allocationNs, gb, 1),
    row('assignmentBucket vs node:crypto one-shot', bucketNs, hashOneShot, 1),
    row(`assignMany per unit (batch ${BATCH}) vs GrowthBook`, batchNs, gb, 0.5),
  ];
}

function format(rows: BenchRow[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = [`${'name'.padEnd(width)}  ${'ours'.padStart(8)}  ${'baseline'.padStart(8)}  ${'ratio'.padStart(6)}  goal`];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(width)}  ${r.ours.toFixed(0).padStart(8)}  ${r.baseline.toFixed(0).padStart(8)}  ${r.ratio.toFixed(2).padStart(6)}  <=${r.goal} ${r.pass ? 'pass' : 'FAIL'}`,
    );
  }
  return lines.join('\n');
}

if (runningAsScript('assignment.bench')) {
  runAssignmentBench().then(
    (rows) => {
      console.log(`assignment benchmark, ns/call (node ${process.version}, ${IDS.length} unit ids, median of 15 interleaved rounds)`);
      console.log(format(rows));
      if (sink === 0.5) console.log(''); // keep `sink` observable
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
