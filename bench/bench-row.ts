/** One line of `npm run bench`: ours against a baseline measured in the same run. */
export interface BenchRow {
  /** Starts with ingest, feedback-latency, gateway, assign or results. */
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  /** ours / baseline. */
  ratio: number;
  /** The ratio to reach. */
  goal: number;
  /** Whether a higher ratio is better (throughput) or a lower one (time). */
  better: 'higher' | 'lower';
  pass: boolean;
  /** What was measured, in a few words. */
  note?: string;
}

/** A row with its ratio and verdict computed. */
export function benchRow(row: Omit<BenchRow, 'ratio' | 'pass'>): BenchRow {
  const ratio = row.ours / row.baseline;
  return { ...row, ratio, pass: row.better === 'higher' ? ratio >= row.goal : ratio <= row.goal };
}

/**
 * True when `name` (e.g. 'ingest.bench') is the script being run, directly
 * with tsx or bundled by tools/run-ts.mjs. `require.main === module` cannot
 * tell: in a bundle every module shares the bundle's `module`.
 */
export function runningAsScript(name: string): boolean {
  const script = process.argv[1] ?? '';
  return script.endsWith(`${name}.ts`) || script.endsWith(`${name}.js`);
}
