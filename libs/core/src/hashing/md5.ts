/**
 * A small, allocation-free MD5 tuned for the short strings that assignment
 * hashes (`salt:unitId`, usually a single 64-byte block).
 *
 * Why not `node:crypto`: assignment runs on every request, and a call into
 * OpenSSL through `createHash` costs about 2 µs, most of it crossing into C++
 * and building a hex string. Hashing one block in JavaScript and keeping only
 * the first 32 bits of the digest is several times cheaper, and gives the same
 * bits (known-answer vectors from Python's hashlib guard that).
 */

// Message bytes are written here; it grows (by doubling) for long inputs.
let bytes = new Uint8Array(256);
const words = new Int32Array(16);
const state = new Int32Array(4);

/** Makes room for `needed` bytes in the shared buffer, keeping the first `keep`. */
function ensureCapacity(needed: number, keep: number): void {
  if (needed <= bytes.length) return;
  let size = bytes.length;
  while (size < needed) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(bytes.subarray(0, keep));
  bytes = grown;
}

/**
 * Writes the UTF-8 encoding of `text` at `offset`; returns the new offset.
 * Lone surrogates become U+FFFD, as `TextEncoder` and `Buffer.from` do (Python
 * would refuse to encode them; well-formed strings encode identically).
 */
function writeUtf8(text: string, offset: number): number {
  const length = text.length;
  // Worst case 3 bytes per UTF-16 code unit, plus room for padding later.
  ensureCapacity(offset + length * 3 + 72, offset);
  const out = bytes;
  let o = offset;
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 0x3f);
        out[o++] = 0x80 | ((c >> 6) & 0x3f);
        out[o++] = 0x80 | (c & 0x3f);
      } else {
        out[o++] = 0xef;
        out[o++] = 0xbf;
        out[o++] = 0xbd;
      }
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

/**
 * The first 32 bits of `md5(utf8(a + sep + b))`, read big-endian, i.e.
 * `parseInt(md5hex.slice(0, 8), 16)`. `sep` is written only when `b` is given
 * (as a separate argument so that callers need not concatenate strings).
 *
 * @param a first part of the message
 * @param b optional second part, written after a ':' separator
 * @returns an unsigned 32-bit integer
 */
export function md5Prefix32(a: string, b?: string): number {
  const fast = b === undefined ? -1 : asciiOneBlock(a, b);
  if (fast >= 0) return fast;
  let length = writeUtf8(a, 0);
  if (b !== undefined) {
    ensureCapacity(length + 1 + b.length * 3 + 72, length);
    bytes[length++] = 0x3a; // ':'
    length = writeUtf8(b, length);
  }
  return digestFirstWord(length);
}

/**
 * Same as {@link md5Prefix32} for `prefix + ':' + a + ':' + b`: used for the
 * independent traffic and layer hashes without building intermediate strings.
 */
export function md5Prefix32Of3(prefix: string, a: string, b: string): number {
  const fast = asciiOneBlock(prefix, a, b);
  if (fast >= 0) return fast;
  let length = writeUtf8(prefix, 0);
  ensureCapacity(length + 1 + a.length * 3 + 72, length);
  bytes[length++] = 0x3a;
  length = writeUtf8(a, length);
  ensureCapacity(length + 1 + b.length * 3 + 72, length);
  bytes[length++] = 0x3a;
  length = writeUtf8(b, length);
  return digestFirstWord(length);
}

/**
 * The full MD5 digest of `text`'s UTF-8 bytes, as 32 lowercase hex characters.
 * Slower than {@link md5Prefix32} (it builds a string); for tests and tools.
 */
export function md5Hex(text: string): string {
  const length = writeUtf8(text, 0);
  const state = digest(length);
  let hex = '';
  for (const word of state) {
    for (let k = 0; k < 4; k++) hex += ((word >>> (8 * k)) & 0xff).toString(16).padStart(2, '0');
  }
  return hex;
}

/**
 * The fast path for the common case: the message (parts joined by ':') is
 * ASCII and fits one block (at most 55 bytes). Characters are packed straight
 * into the message words, skipping the byte buffer. Returns −1 when the input
 * does not qualify, and the caller takes the general path.
 */
function asciiOneBlock(a: string, b: string, c?: string): number {
  const length = a.length + 1 + b.length + (c === undefined ? 0 : c.length + 1);
  if (length > 55) return -1;
  for (let i = 0; i < 16; i++) words[i] = 0;
  let p = packAscii(a, 0);
  if (p < 0) return -1;
  words[p >> 2] |= 0x3a << ((p & 3) << 3);
  p = packAscii(b, p + 1);
  if (p < 0) return -1;
  if (c !== undefined) {
    words[p >> 2] |= 0x3a << ((p & 3) << 3);
    p = packAscii(c, p + 1);
    if (p < 0) return -1;
  }
  words[length >> 2] |= 0x80 << ((length & 3) << 3);
  words[14] = length << 3;
  resetState();
  cycle(state, words);
  return swapFirstWord();
}

/** Packs ASCII `text` into `words` from byte `p`; the new position, or −1 at the first non-ASCII character. */
function packAscii(text: string, p: number): number {
  const x = words;
  for (let i = 0; i < text.length; i++, p++) {
    const ch = text.charCodeAt(i);
    if (ch >= 0x80) return -1;
    x[p >> 2] |= ch << ((p & 3) << 3);
  }
  return p;
}

function resetState(): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
}

function swapFirstWord(): number {
  const a = state[0];
  // The digest's first 4 bytes are `a` little-endian; hex-reading them gives big-endian.
  return (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0;
}

/** Pads the message in `bytes[0..length)` and returns the first digest word, byte-swapped. */
function digestFirstWord(length: number): number {
  digest(length);
  return swapFirstWord();
}

function digest(length: number): Int32Array {
  // MD5 padding: 0x80, zeros to 56 mod 64, then the bit length (64-bit little-endian).
  const padded = ((length + 8) >> 6) * 64 + 64;
  ensureCapacity(padded, length);
  const b = bytes;
  b[length] = 0x80;
  b.fill(0, length + 1, padded);
  const bitLength = length * 8;
  b[padded - 8] = bitLength & 0xff;
  b[padded - 7] = (bitLength >>> 8) & 0xff;
  b[padded - 6] = (bitLength >>> 16) & 0xff;
  b[padded - 5] = (bitLength >>> 24) & 0xff;
  const high = Math.floor(bitLength / 0x100000000);
  b[padded - 4] = high & 0xff;
  b[padded - 3] = (high >>> 8) & 0xff;
  b[padded - 2] = (high >>> 16) & 0xff;
  b[padded - 1] = (high >>> 24) & 0xff;

  resetState();
  const x = words;
  for (let block = 0; block < padded; block += 64) {
    for (let i = 0, j = block; i < 16; i++, j += 4) {
      x[i] = b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24);
    }
    cycle(state, x);
  }
  return state;
}

/*
 * The 64 MD5 steps (RFC 1321), unrolled and written inline: V8 does not
 * inline 64 calls to step helpers into one function, and the calls (with
 * constants outside the small-integer range) cost several times the
 * arithmetic. Generated from the RFC's table; checked against its test suite.
 */
function cycle(st: Int32Array, k: Int32Array): void {
  let a = st[0];
  let b = st[1];
  let c = st[2];
  let d = st[3];
  const x0 = k[0];
  const x1 = k[1];
  const x2 = k[2];
  const x3 = k[3];
  const x4 = k[4];
  const x5 = k[5];
  const x6 = k[6];
  const x7 = k[7];
  const x8 = k[8];
  const x9 = k[9];
  const x10 = k[10];
  const x11 = k[11];
  const x12 = k[12];
  const x13 = k[13];
  const x14 = k[14];
  const x15 = k[15];
  a = (a + ((b & c) | (~b & d)) + x0 + -680876936) | 0;
  a = (((a << 7) | (a >>> 25)) + b) | 0;
  d = (d + ((a & b) | (~a & c)) + x1 + -389564586) | 0;
  d = (((d << 12) | (d >>> 20)) + a) | 0;
  c = (c + ((d & a) | (~d & b)) + x2 + 606105819) | 0;
  c = (((c << 17) | (c >>> 15)) + d) | 0;
  b = (b + ((c & d) | (~c & a)) + x3 + -1044525330) | 0;
  b = (((b << 22) | (b >>> 10)) + c) | 0;
  a = (a + ((b & c) | (~b & d)) + x4 + -176418897) | 0;
  a = (((a << 7) | (a >>> 25)) + b) | 0;
  d = (d + ((a & b) | (~a & c)) + x5 + 1200080426) | 0;
  d = (((d << 12) | (d >>> 20)) + a) | 0;
  c = (c + ((d & a) | (~d & b)) + x6 + -1473231341) | 0;
  c = (((c << 17) | (c >>> 15)) + d) | 0;
  b = (b + ((c & d) | (~c & a)) + x7 + -45705983) | 0;
  b = (((b << 22) | (b >>> 10)) + c) | 0;
  a = (a + ((b & c) | (~b & d)) + x8 + 1770035416) | 0;
  a = (((a << 7) | (a >>> 25)) + b) | 0;
  d = (d + ((a & b) | (~a & c)) + x9 + -1958414417) | 0;
  d = (((d << 12) | (d >>> 20)) + a) | 0;
  c = (c + ((d & a) | (~d & b)) + x10 + -42063) | 0;
  c = (((c << 17) | (c >>> 15)) + d) | 0;
  b = (b + ((c & d) | (~c & a)) + x11 + -1990404162) | 0;
  b = (((b << 22) | (b >>> 10)) + c) | 0;
  a = (a + ((b & c) | (~b & d)) + x12 + 1804603682) | 0;
  a = (((a << 7) | (a >>> 25)) + b) | 0;
  d = (d + ((a & b) | (~a & c)) + x13 + -40341101) | 0;
  d = (((d << 12) | (d >>> 20)) + a) | 0;
  c = (c + ((d & a) | (~d & b)) + x14 + -1502002290) | 0;
  c = (((c << 17) | (c >>> 15)) + d) | 0;
  b = (b + ((c & d) | (~c & a)) + x15 + 1236535329) | 0;
  b = (((b << 22) | (b >>> 10)) + c) | 0;
  a = (a + ((b & d) | (c & ~d)) + x1 + -165796510) | 0;
  a = (((a << 5) | (a >>> 27)) + b) | 0;
  d = (d + ((a & c) | (b & ~c)) + x6 + -1069501632) | 0;
  d = (((d << 9) | (d >>> 23)) + a) | 0;
  c = (c + ((d & b) | (a & ~b)) + x11 + 643717713) | 0;
  c = (((c << 14) | (c >>> 18)) + d) | 0;
  b = (b + ((c & a) | (d & ~a)) + x0 + -373897302) | 0;
  b = (((b << 20) | (b >>> 12)) + c) | 0;
  a = (a + ((b & d) | (c & ~d)) + x5 + -701558691) | 0;
  a = (((a << 5) | (a >>> 27)) + b) | 0;
  d = (d + ((a & c) | (b & ~c)) + x10 + 38016083) | 0;
  d = (((d << 9) | (d >>> 23)) + a) | 0;
  c = (c + ((d & b) | (a & ~b)) + x15 + -660478335) | 0;
  c = (((c << 14) | (c >>> 18)) + d) | 0;
  b = (b + ((c & a) | (d & ~a)) + x4 + -405537848) | 0;
  b = (((b << 20) | (b >>> 12)) + c) | 0;
  a = (a + ((b & d) | (c & ~d)) + x9 + 568446438) | 0;
  a = (((a << 5) | (a >>> 27)) + b) | 0;
  d = (d + ((a & c) | (b & ~c)) + x14 + -1019803690) | 0;
  d = (((d << 9) | (d >>> 23)) + a) | 0;
  c = (c + ((d & b) | (a & ~b)) + x3 + -187363961) | 0;
  c = (((c << 14) | (c >>> 18)) + d) | 0;
  b = (b + ((c & a) | (d & ~a)) + x8 + 1163531501) | 0;
  b = (((b << 20) | (b >>> 12)) + c) | 0;
  a = (a + ((b & d) | (c & ~d)) + x13 + -1444681467) | 0;
  a = (((a << 5) | (a >>> 27)) + b) | 0;
  d = (d + ((a & c) | (b & ~c)) + x2 + -51403784) | 0;
  d = (((d << 9) | (d >>> 23)) + a) | 0;
  c = (c + ((d & b) | (a & ~b)) + x7 + 1735328473) | 0;
  c = (((c << 14) | (c >>> 18)) + d) | 0;
  b = (b + ((c & a) | (d & ~a)) + x12 + -1926607734) | 0;
  b = (((b << 20) | (b >>> 12)) + c) | 0;
  a = (a + (b ^ c ^ d) + x5 + -378558) | 0;
  a = (((a << 4) | (a >>> 28)) + b) | 0;
  d = (d + (a ^ b ^ c) + x8 + -2022574463) | 0;
  d = (((d << 11) | (d >>> 21)) + a) | 0;
  c = (c + (d ^ a ^ b) + x11 + 1839030562) | 0;
  c = (((c << 16) | (c >>> 16)) + d) | 0;
  b = (b + (c ^ d ^ a) + x14 + -35309556) | 0;
  b = (((b << 23) | (b >>> 9)) + c) | 0;
  a = (a + (b ^ c ^ d) + x1 + -1530992060) | 0;
  a = (((a << 4) | (a >>> 28)) + b) | 0;
  d = (d + (a ^ b ^ c) + x4 + 1272893353) | 0;
  d = (((d << 11) | (d >>> 21)) + a) | 0;
  c = (c + (d ^ a ^ b) + x7 + -155497632) | 0;
  c = (((c << 16) | (c >>> 16)) + d) | 0;
  b = (b + (c ^ d ^ a) + x10 + -1094730640) | 0;
  b = (((b << 23) | (b >>> 9)) + c) | 0;
  a = (a + (b ^ c ^ d) + x13 + 681279174) | 0;
  a = (((a << 4) | (a >>> 28)) + b) | 0;
  d = (d + (a ^ b ^ c) + x0 + -358537222) | 0;
  d = (((d << 11) | (d >>> 21)) + a) | 0;
  c = (c + (d ^ a ^ b) + x3 + -722521979) | 0;
  c = (((c << 16) | (c >>> 16)) + d) | 0;
  b = (b + (c ^ d ^ a) + x6 + 76029189) | 0;
  b = (((b << 23) | (b >>> 9)) + c) | 0;
  a = (a + (b ^ c ^ d) + x9 + -640364487) | 0;
  a = (((a << 4) | (a >>> 28)) + b) | 0;
  d = (d + (a ^ b ^ c) + x12 + -421815835) | 0;
  d = (((d << 11) | (d >>> 21)) + a) | 0;
  c = (c + (d ^ a ^ b) + x15 + 530742520) | 0;
  c = (((c << 16) | (c >>> 16)) + d) | 0;
  b = (b + (c ^ d ^ a) + x2 + -995338651) | 0;
  b = (((b << 23) | (b >>> 9)) + c) | 0;
  a = (a + (c ^ (b | ~d)) + x0 + -198630844) | 0;
  a = (((a << 6) | (a >>> 26)) + b) | 0;
  d = (d + (b ^ (a | ~c)) + x7 + 1126891415) | 0;
  d = (((d << 10) | (d >>> 22)) + a) | 0;
  c = (c + (a ^ (d | ~b)) + x14 + -1416354905) | 0;
  c = (((c << 15) | (c >>> 17)) + d) | 0;
  b = (b + (d ^ (c | ~a)) + x5 + -57434055) | 0;
  b = (((b << 21) | (b >>> 11)) + c) | 0;
  a = (a + (c ^ (b | ~d)) + x12 + 1700485571) | 0;
  a = (((a << 6) | (a >>> 26)) + b) | 0;
  d = (d + (b ^ (a | ~c)) + x3 + -1894986606) | 0;
  d = (((d << 10) | (d >>> 22)) + a) | 0;
  c = (c + (a ^ (d | ~b)) + x10 + -1051523) | 0;
  c = (((c << 15) | (c >>> 17)) + d) | 0;
  b = (b + (d ^ (c | ~a)) + x1 + -2054922799) | 0;
  b = (((b << 21) | (b >>> 11)) + c) | 0;
  a = (a + (c ^ (b | ~d)) + x8 + 1873313359) | 0;
  a = (((a << 6) | (a >>> 26)) + b) | 0;
  d = (d + (b ^ (a | ~c)) + x15 + -30611744) | 0;
  d = (((d << 10) | (d >>> 22)) + a) | 0;
  c = (c + (a ^ (d | ~b)) + x6 + -1560198380) | 0;
  c = (((c << 15) | (c >>> 17)) + d) | 0;
  b = (b + (d ^ (c | ~a)) + x13 + 1309151649) | 0;
  b = (((b << 21) | (b >>> 11)) + c) | 0;
  a = (a + (c ^ (b | ~d)) + x4 + -145523070) | 0;
  a = (((a << 6) | (a >>> 26)) + b) | 0;
  d = (d + (b ^ (a | ~c)) + x11 + -1120210379) | 0;
  d = (((d << 10) | (d >>> 22)) + a) | 0;
  c = (c + (a ^ (d | ~b)) + x2 + 718787259) | 0;
  c = (((c << 15) | (c >>> 17)) + d) | 0;
  b = (b + (d ^ (c | ~a)) + x9 + -343485551) | 0;
  b = (((b << 21) | (b >>> 11)) + c) | 0;

  st[0] = (st[0] + a) | 0;
  st[1] = (st[1] + b) | 0;
  st[2] = (st[2] + c) | 0;
  st[3] = (st[3] + d) | 0;
}
