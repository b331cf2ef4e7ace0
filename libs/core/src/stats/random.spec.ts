import { betaDraw, gammaDraw, normalDraw, seededRandom } from './random';

describe('seededRandom', () => {
  it('is reproducible and uniform on [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('drives normal, gamma and beta draws with the right means', () => {
    const rng = seededRandom(1);
    const n = 20_000;
    const avg = (f: () => number) => Array.from({ length: n }, f).reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(avg(() => normalDraw(rng)))).toBeLessThan(0.03);
    expect(Math.abs(avg(() => gammaDraw(3, rng)) - 3)).toBeLessThan(0.05);
    expect(Math.abs(avg(() => gammaDraw(0.5, rng)) - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(avg(() => betaDraw(2, 5, rng)) - 2 / 7)).toBeLessThan(0.01);
  });
});
