/**
 * Serialises a JSON-like value canonically, so that equal content always
 * yields the same bytes: object keys sorted by code unit, no insignificant
 * whitespace, numbers in ECMAScript's shortest round-trip form, `undefined`
 * members dropped (as `JSON.stringify` does) and `-0` written as `0`.
 *
 * @param value a value made of objects, arrays, strings, finite numbers, booleans and null
 * @returns the canonical JSON text
 * @throws {TypeError} naming `canonicalJson` for a non-finite number, a bigint, a function or a symbol
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

function serialise(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent`);
      }
      // JSON.stringify already prints the shortest round-trip form, and -0 as 0.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => (item === undefined ? 'null' : serialise(item, `${path}[${index}]`))).join(',')}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        members.push(`${JSON.stringify(key)}:${serialise(member, `${path}.${key}`)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot represent`);
  }
}
