import { auditTarget } from './audit.service';

describe('auditTarget', () => {
  it('redacts secrets at any depth', () => {
    expect(auditTarget({ input: { name: 'k', secret: 's3cr3t', nested: { apiKey: 'x' } } })).toEqual({ input: { name: 'k', secret: '[redacted]', nested: { apiKey: '[redacted]' } } });
  });

  it('shortens long strings and summarises long lists', () => {
    const target = auditTarget({ template: 'x'.repeat(1000), inputs: Array.from({ length: 5000 }, (_, i) => ({ requestId: `r${i}` })) }) as {
      template: string;
      inputs: { count: number; first: unknown[] };
    };
    expect(target.template).toBe(`${'x'.repeat(256)}… (1000 chars)`);
    expect(target.inputs.count).toBe(5000);
    expect(target.inputs.first).toHaveLength(20);
  });

  it('replaces what jsonb cannot store: NUL and lone surrogates, in values and keys', () => {
    const target = auditTarget({ 'k\u0000': 'a\u0000b', lone: 'x\ud800y', pair: '😀' });
    expect(target).toEqual({ 'k\uFFFD': 'a\uFFFDb', lone: 'x\uFFFDy', pair: '😀' });
    expect(JSON.stringify(target)).not.toMatch(/\\u0000|\\ud800/);
  });
});
