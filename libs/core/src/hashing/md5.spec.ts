import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { md5Hex, md5Prefix32 } from './md5';

describe('md5', () => {
  // RFC 1321, appendix A.5 test suite.
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ])('RFC 1321 vector %j', (text, digest) => {
    expect(md5Hex(text)).toBe(digest);
    expect(md5Prefix32(text)).toBe(parseInt(digest.slice(0, 8), 16));
  });

  it('agrees with node:crypto on any string, including block boundaries and non-ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 150 }), (text) => {
        expect(md5Hex(text)).toBe(createHash('md5').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 500 },
    );
    for (let length = 50; length <= 130; length++) {
      const text = 'é'.repeat(length % 7) + 'x'.repeat(length);
      expect(md5Hex(text)).toBe(createHash('md5').update(text, 'utf8').digest('hex'));
    }
  });

  it('hashes the two-part form as a + ":" + b', () => {
    expect(md5Prefix32('salt', 'unit')).toBe(md5Prefix32('salt:unit'));
  });

  it('encodes a lone surrogate as U+FFFD, like Buffer.from', () => {
    expect(md5Hex('\ud800x')).toBe(createHash('md5').update(Buffer.from('\ud800x', 'utf8')).digest('hex'));
  });
});
