function checkPValues(pValues: readonly number[], caller: string): void {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${caller}: p-values must lie in [0, 1], got ${p}`);
  }
}

function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
}

/**
 * Holm's step-down adjustment (controls the family-wise error rate) for
 * several treatments compared with one control. Adjusted p-values, in the
 * input's order: `p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎)` (as statsmodels'
 * `multipletests(method='holm')`); reject where p̃ < α.
 *
 * @throws {RangeError} naming `holm` for a p-value outside [0, 1]
 * @see S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J. Statist. 6.
 */
export function holm(pValues: readonly number[]): number[] {
  checkPValues(pValues, 'holm');
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjustment (controls the false discovery rate).
 * Adjusted p-values in the input's order: `p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j)`
 * (as `scipy.stats.false_discovery_control(method='bh')`).
 *
 * @throws {RangeError} naming `benjaminiHochberg` for a p-value outside [0, 1]
 * @see Y. Benjamini & Y. Hochberg (1995), "Controlling the false discovery rate", JRSS B 57.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  checkPValues(pValues, 'benjaminiHochberg');
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank];
    // max(p, …): m/(rank + 1) ≥ 1, but m·p/m can round below p.
    running = Math.min(running, Math.max(pValues[index], (m * pValues[index]) / (rank + 1)));
    adjusted[index] = running;
  }
  return adjusted;
}
