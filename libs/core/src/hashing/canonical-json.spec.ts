import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { contentHash } from './content-hash';

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => shuffleKeys(item, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  // Deterministic permutation: rotate by the seed, then reverse every other time.
  const k = entries.length ? seed % entries.length : 0;
  const rotated = [...entries.slice(k), ...entries.slice(0, k)];
  const ordered = seed % 2 ? rotated.reverse() : rotated;
  return Object.fromEntries(ordered.map(([key, v], i) => [key, shuffleKeys(v, seed + i + 1)]));
}

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [true, null] }, '{"a":[true,null],"b":1}'],
    [{ z: { y: 1, x: 2 }, a: 'é' }, '{"a":"é","z":{"x":2,"y":1}}'],
    [{ a: undefined, b: 0.1 + 0.2, c: -0, d: 1e21, e: 100 }, '{"b":0.30000000000000004,"c":0,"d":1e+21,"e":100}'],
    [[undefined, 1], '[null,1]'],
  ])('%j -> %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(1000), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
        expect(contentHash(shuffleKeys(value, seed))).toBe(contentHash(value));
      }),
    );
  });

  it('round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
    );
  });

  it('throws naming the function for values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(/canonicalJson: \$\.a is NaN/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/canonicalJson: \$\.f is a function/);
  });
});

describe('contentHash', () => {
  it('hashes a string as its UTF-8 bytes', () => {
    // DESIGN.md: sha256("Summarize: {text}") starts 31616d829d61.
    expect(contentHash('Summarize: {text}').slice(0, 12)).toBe('31616d829d61');
  });
  it('hashes other values through canonicalJson', () => {
    expect(contentHash({ b: 1, a: 2 })).toBe(contentHash('{"a":2,"b":1}'));
    expect(contentHash({ b: 1, a: 2 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
