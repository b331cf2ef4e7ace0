/**
 * Test helper (not exported by the lib): |actual − expected| ≤ abs + rel·|expected|.
 * The default, 1e-6 relative plus 1e-12 absolute, is at least as strict as
 * "1e-6 on p-values" wherever SciPy's answer is exact.
 */
export function expectClose(actual: number, expected: number, rel = 1e-6, abs = 1e-12): void {
  const tolerance = abs + rel * Math.abs(expected);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}
