// Malformed-input fuzz against every mutation of the composed supergraph, as
// the gateway's introspection lists them: a seeded PRNG builds a few thousand
// requests (valid-shaped arguments with one mutation each: wrong types, huge
// strings up to 200 KB, deep nesting, NaN/Infinity, NUL bytes, lone
// surrogates, negative and out-of-range numbers; GraphQL literals; broken JSON
// bodies). The server must never answer 5xx, never fail with
// INTERNAL_SERVER_ERROR, give every error an `extensions.code`, and a rejected
// mutation must write nothing (row counts of every table before and after).
// Replay a run with FLYWHEEL_FUZZ_SEED; size it with FLYWHEEL_FUZZ_RUNS.
import { ALL_SUBGRAPHS, post, report, seededRandom, tableCounts, type Exchange, type FaultStack, startFaultStack } from './support/fault-stack';

const SEED = Number(process.env.FLYWHEEL_FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FLYWHEEL_FUZZ_RUNS ?? 2000);
/** Of RUNS, how many run one at a time with row counts before and after. */
const CHECKED = Math.min(150, Math.floor(RUNS / 10));
const WORKERS = 4;
const MAX_STRING = 200 * 1024;
/** Append-only by design: every mutation, rejected or not, is audited. */
const WRITTEN_ON_REJECTION = new Set(['audit_event']);

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface SchemaType {
  kind: string;
  name: string;
  inputFields: InputValue[] | null;
  enumValues: Array<{ name: string }> | null;
}
interface MutationField {
  name: string;
  args: InputValue[];
  type: TypeRef;
}

const TYPE_REF = `kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`;
const INTROSPECT = `query {
  __schema {
    mutationType { fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } }
    types { kind name inputFields { name type { ${TYPE_REF} } } enumValues { name } }
  }
}`;

/** One fuzz request: the body as sent, and what it aimed at. */
interface FuzzCase {
  index: number;
  mutation: string;
  kind: string;
  body: string;
}

/** A placeholder that becomes a bare JSON token (1e999 parses to Infinity, NaN is invalid JSON). */
const raw = (token: string) => `\u0001RAW:${token}\u0001`;
const withRawTokens = (json: string) => json.replace(/"\\u0001RAW:([^\\]+)\\u0001"/g, '$1');

class Fuzzer {
  private readonly types = new Map<string, SchemaType>();

  constructor(
    private readonly random: () => number,
    types: SchemaType[],
    /** Names and ids of things that exist, so some requests get past NOT_FOUND to deeper validation. */
    private readonly known: { strings: string[]; ids: string[] },
  ) {
    for (const type of types) this.types.set(type.name, type);
  }

  int(max: number) {
    return Math.floor(this.random() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number) {
    return this.random() < p;
  }

  named(type: TypeRef): TypeRef {
    return type.ofType ? this.named(type.ofType) : type;
  }

  printType(type: TypeRef): string {
    if (type.kind === 'NON_NULL') return `${this.printType(type.ofType as TypeRef)}!`;
    if (type.kind === 'LIST') return `[${this.printType(type.ofType as TypeRef)}]`;
    return type.name as string;
  }

  string(): string {
    const pieces = ['a', 'Z', '0', '-', '_', '/', '.', ' ', 'é', '漢', '🚀', '\u202e', '{', '}', '{{', '\n', "'", '"', '\\', '%', '$1', '<b>', 'null'];
    let text = '';
    for (let i = this.int(12); i >= 0; i -= 1) text += this.pick(pieces);
    return text;
  }

  /** A value of `type` that is well-formed (it may still be refused, e.g. NOT_FOUND). */
  valid(type: TypeRef, argName: string, depth = 0): unknown {
    if (type.kind === 'NON_NULL') return this.valid(type.ofType as TypeRef, argName, depth);
    if (type.kind === 'LIST') return Array.from({ length: this.int(3) + (depth === 0 ? 1 : 0) }, () => this.valid(type.ofType as TypeRef, argName, depth + 1));
    const named = this.types.get(type.name as string);
    if (type.kind === 'ENUM') return this.pick(named?.enumValues ?? [{ name: 'X' }]).name;
    if (type.kind === 'INPUT_OBJECT') {
      const value: Record<string, unknown> = {};
      for (const field of named?.inputFields ?? []) {
        if (field.type.kind === 'NON_NULL' || (depth < 3 && this.chance(0.5))) value[field.name] = this.valid(field.type, field.name, depth + 1);
      }
      return value;
    }
    switch (type.name) {
      case 'Int':
        return this.int(10) + 1;
      case 'Float':
        return Math.round(this.random() * 1000) / 100;
      case 'Boolean':
        return this.chance(0.5);
      case 'DateTime':
        return new Date(Date.UTC(2026, this.int(12), 1 + this.int(28))).toISOString();
      case 'JSON':
        return this.pick([{ a: 1 }, [1, 'two'], 'text', 42, null, { nested: { ok: true } }]);
      case 'ID':
        return this.chance(0.5) && this.known.ids.length ? this.pick(this.known.ids) : this.pick([crypto.randomUUID(), this.string()]);
      default:
        return this.chance(0.4) && this.known.strings.length && /name|experiment|model|project/i.test(argName) ? this.pick(this.known.strings) : this.string();
    }
  }

  /** Something of the wrong shape or out of range, to put where a value belongs. */
  bad(): unknown {
    switch (this.int(16)) {
      case 0:
        return 'x'.repeat(1 + this.int(MAX_STRING));
      case 1:
        return `nul\u0000byte${this.string()}`;
      case 2:
        return '\ud800 lone surrogate \udfff';
      case 3:
        return this.pick([-1, -0, -2147483649, 2147483648, Number.MAX_SAFE_INTEGER + 2, -1e308, 1e-320, 0.5]);
      case 4:
        return raw(this.pick(['1e999', '-1e999', '1E400']));
      case 5:
        return this.deep(50 + this.int(1950));
      case 6:
        return this.pick<unknown>([{}, { unexpected: true }, JSON.parse('{"__proto__": {"polluted": 1}}'), { constructor: { prototype: { x: 1 } } }]);
      case 7:
        return this.pick([[], [null], Array.from({ length: 2000 }, (_, i) => i)]);
      case 8:
        return this.pick([true, false]);
      case 9:
        return null;
      case 10:
        return '';
      case 11:
        return this.pick(['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '١٢٣']);
      case 12:
        return this.pick(["'; DROP TABLE prompt; --", '$1', '%s%s%s', '../../etc/passwd', '${jndi:ldap://x}']);
      case 13:
        return this.pick(['not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-fffffffffffff']);
      case 14:
        return ' '.repeat(1 + this.int(300));
      default:
        return 12.5;
    }
  }

  deep(depth: number): unknown {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i += 1) value = this.chance(0.5) ? [value] : { a: value };
    return value;
  }

  /** Replaces one spot of `value` (recursively chosen) with something bad, or drops a required part. */
  mutate(value: unknown): unknown {
    if (Array.isArray(value) && value.length && this.chance(0.7)) {
      const copy = [...value];
      const at = this.int(copy.length);
      copy[at] = this.mutate(copy[at]);
      return copy;
    }
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length && this.chance(0.7)) {
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const key = this.pick(Object.keys(copy));
      if (this.chance(0.15)) delete copy[key];
      else copy[key] = this.mutate(copy[key]);
      return copy;
    }
    return this.bad();
  }

  /** A GraphQL literal for `value`; with `wild`, sometimes tokens JSON cannot carry (NaN, Infinity, deep lists). */
  literal(value: unknown, wild: boolean): string {
    if (wild && this.chance(0.1)) return this.pick(['NaN', 'Infinity', '-Infinity', '1e999', '-0', '"\\u0000"', '$undefined', '[' .repeat(400) + ']'.repeat(400), '{a:'.repeat(300) + '1' + '}'.repeat(300)]);
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'string') return value.startsWith('\u0001RAW:') ? value.slice(5, -1) : JSON.stringify(value);
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
    if (typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return `[${value.map((item) => this.literal(item, wild)).join(', ')}]`;
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(key) ? key : 'bad_key'}: ${this.literal(item, wild)}`)
      .join(', ')}}`;
  }

  selection(field: MutationField): string {
    const kind = this.named(field.type).kind;
    return kind === 'OBJECT' || kind === 'INTERFACE' || kind === 'UNION' ? ' { __typename }' : '';
  }

  /** A request against `field`: mostly mutated variables, some literals, some broken bodies. */
  request(index: number, field: MutationField): FuzzCase {
    const args = Object.fromEntries(field.args.map((arg) => [arg.name, this.valid(arg.type, arg.name)]));
    const roll = this.random();
    if (roll < 0.6) {
      const variables: Record<string, unknown> = this.chance(0.1) ? args : (this.mutate(args) as Record<string, unknown>);
      const declared = field.args.map((arg) => `$${arg.name}: ${this.printType(arg.type)}`).join(', ');
      const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
      const query = `mutation Fuzz${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${this.selection(field)} }`;
      return { index, mutation: field.name, kind: 'variables', body: withRawTokens(JSON.stringify({ query, variables })) };
    }
    if (roll < 0.8) {
      const mutated = this.chance(0.5) ? (this.mutate(args) as Record<string, unknown>) : args;
      const passed = Object.entries(mutated ?? {})
        .map(([name, value]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(name) ? name : 'bad_key'}: ${this.literal(value, true)}`)
        .join(', ');
      const query = `mutation { ${field.name}${passed ? `(${passed})` : ''}${this.selection(field)} }`;
      return { index, mutation: field.name, kind: 'literal', body: JSON.stringify({ query }) };
    }
    const query = `mutation { ${field.name}${this.selection(field)} }`;
    const broken = [
      () => JSON.stringify({ query }).slice(0, -1 - this.int(10)),
      () => `{"query": ${JSON.stringify(query)}, "variables": NaN}`,
      () => `{"query": ${JSON.stringify(query)}, "variables": {"x": Infinity}}`,
      () => `{"query": ${JSON.stringify(query)}}garbage`,
      () => '',
      () => 'null',
      () => '[]',
      () => '"mutation"',
      () => JSON.stringify({ query: 5 }),
      () => JSON.stringify({ query, variables: 'not an object' }),
      () => JSON.stringify({ query, variables: [1, 2] }),
      () => JSON.stringify({ query, operationName: 'Nope' }),
      () => JSON.stringify({ query: `${query} ${query}` }),
      () => JSON.stringify({ query: 'mutation { ' + '__typename '.repeat(6000) + '}' }),
      () => JSON.stringify({ query: `mutation ${'{ a '.repeat(200)}${'}'.repeat(200)}` }),
      () => `{"query": "${'\\'.repeat(3)}"}`,
      () => Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]).toString('latin1'),
      () => `{"query": ${JSON.stringify(query)}, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "${'0'.repeat(64)}"}}}`,
    ];
    return { index, mutation: field.name, kind: 'broken-body', body: this.pick(broken)() };
  }
}

interface Finding {
  case: Pick<FuzzCase, 'index' | 'mutation' | 'kind'> & { body: string };
  problem: string;
  status: number;
  answer: string;
}

/** What is wrong with an answer, if anything. */
function problemsOf(result: Exchange): string[] {
  const problems: string[] = [];
  if (result.error) problems.push(`no HTTP answer: ${result.error}`);
  if (result.status >= 500) problems.push(`HTTP ${result.status}`);
  if (result.text !== undefined) problems.push('body is not JSON');
  const errors = result.errors ?? [];
  if (result.status >= 400 && errors.length === 0 && !result.error) problems.push(`HTTP ${result.status} without errors`);
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || code.length === 0) problems.push(`error without extensions.code: ${error.message}`);
    else if (code === 'INTERNAL_SERVER_ERROR') problems.push(`INTERNAL_SERVER_ERROR: ${error.message}`);
  }
  return problems;
}

describe('malformed-input fuzz against every mutation', () => {
  let fault: FaultStack;

  beforeAll(async () => {
    fault = await startFaultStack(ALL_SUBGRAPHS);
  });
  afterAll(async () => {
    await fault?.stop();
  });

  it(`answers ${RUNS} fuzzed requests without a 5xx, with a code on every error, and writes nothing when it rejects`, async () => {
    const { __schema } = await fault.gqlOk(INTROSPECT);
    const mutations = (__schema.mutationType.fields as MutationField[]).sort((a, b) => a.name.localeCompare(b.name));
    expect(mutations.length).toBeGreaterThan(10);

    // A few things that exist, so that fuzzed requests also reach validation past NOT_FOUND.
    const stamp = Date.now().toString(36);
    const known = { strings: [`fuzz-prompt-${stamp}`, `fuzz-exp-${stamp}`, `fuzz-model-${stamp}`, `fuzz-project-${stamp}`], ids: [] as string[] };
    const prompt = await fault.gqlOk(`mutation($n: String!) { registerPrompt(input: { name: $n, template: "Hi {who}" }) { version { id } } }`, { n: known.strings[0] });
    known.ids.push(prompt.registerPrompt.version.id);
    const experiment = await fault.gqlOk(`mutation($n: String!) { createExperiment(input: { name: $n, variants: [{ key: "A" }, { key: "B" }] }) { id } }`, { n: known.strings[1] });
    known.ids.push(experiment.createExperiment.id);
    if (mutations.some((field) => field.name === 'createRegisteredModel')) {
      await fault.gqlOk(`mutation($n: String!) { createRegisteredModel(name: $n) { name } }`, { n: known.strings[2] });
      const version = await fault.gqlOk(`mutation($n: String!) { createModelVersion(input: { modelName: $n, source: "s3://fuzz/1" }) { id } }`, { n: known.strings[2] });
      known.ids.push(version.createModelVersion.id);
      const run = await fault.gqlOk(`mutation($p: String!) { createRun(input: { project: $p }) { id } }`, { p: known.strings[3] });
      known.ids.push(run.createRun.id);
    }

    const fuzzer = new Fuzzer(seededRandom(SEED), __schema.types as SchemaType[], known);
    // Round-robin over the mutations, so each gets its share.
    const cases = Array.from({ length: RUNS }, (_, index) => fuzzer.request(index, mutations[index % mutations.length]));
    const findings: Finding[] = [];
    const codes: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    let accepted = 0;
    const send = async (fuzzCase: FuzzCase) => {
      const result = await post(fault.stack.url, fuzzCase.body, { authorization: `Bearer ${fault.stack.adminKey}` }, 60_000);
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      for (const error of result.errors ?? []) codes[String(error.extensions?.code)] = (codes[String(error.extensions?.code)] ?? 0) + 1;
      if (!result.errors?.length && !result.error && result.status === 200) accepted += 1;
      for (const problem of problemsOf(result)) {
        findings.push({
          case: { index: fuzzCase.index, mutation: fuzzCase.mutation, kind: fuzzCase.kind, body: fuzzCase.body.slice(0, 300) },
          problem,
          status: result.status,
          answer: JSON.stringify(result).slice(0, 300),
        });
      }
      return result;
    };

    // Most cases concurrently (a few workers)…
    const started = Date.now();
    const concurrent = cases.slice(0, RUNS - CHECKED);
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < concurrent.length) await send(concurrent[next++]);
      }),
    );
    const concurrentMs = Date.now() - started;

    // …and the rest one at a time, with every table's row count before and after each rejected one.
    let rejectedChecked = 0;
    const partialWrites: Array<{ index: number; mutation: string; changed: Record<string, [number, number]> }> = [];
    for (const fuzzCase of cases.slice(RUNS - CHECKED)) {
      const before = await tableCounts(fault.db);
      const result = await send(fuzzCase);
      if (!(result.errors?.length || result.status >= 400)) continue;
      rejectedChecked += 1;
      const after = await tableCounts(fault.db);
      const changed = Object.fromEntries(
        Object.keys({ ...before, ...after })
          .filter((table) => !WRITTEN_ON_REJECTION.has(table) && before[table] !== after[table])
          .map((table) => [table, [before[table], after[table]] as [number, number]]),
      );
      if (Object.keys(changed).length) partialWrites.push({ index: fuzzCase.index, mutation: fuzzCase.mutation, changed });
    }
    const elapsedMs = Date.now() - started;

    // The stack is still whole: the ADMIN key works and a plain query answers.
    const alive = await fault.gql(`query { prompt(name: "${known.strings[0]}") { name } }`);
    expect(alive.data?.prompt?.name).toBe(known.strings[0]);

    const byKind = cases.reduce<Record<string, number>>((counts, fuzzCase) => ({ ...counts, [fuzzCase.kind]: (counts[fuzzCase.kind] ?? 0) + 1 }), {});
    report('fuzz', {
      seed: SEED,
      requests: RUNS,
      mutations: mutations.length,
      byKind,
      statuses,
      codes,
      accepted,
      rejectedCheckedForWrites: rejectedChecked,
      partialWrites: partialWrites.length,
      findings: findings.length,
      concurrentMs,
      elapsedMs,
    });
    if (findings.length) {
      const distinct = new Map<string, Finding>();
      for (const finding of findings) distinct.set(`${finding.case.mutation}|${finding.problem.slice(0, 80)}`, finding);
      process.stderr.write(`[fault:fuzz] distinct findings (mutation | problem | example):\n${[...distinct.values()].map((finding) => `  ${JSON.stringify(finding)}`).join('\n')}\n`);
      // What the servers logged about them (pino error lines: service and message).
      const logged = new Set<string>();
      for (const line of fault.stack.output().split('\n')) {
        if (!line.startsWith('{') || !line.includes('"level":50')) continue;
        try {
          const entry = JSON.parse(line) as { service?: string; msg?: string; err?: { type?: string; message?: string }; path?: unknown };
          logged.add(`${entry.service} ${entry.msg}: ${entry.err?.type ?? ''} ${entry.err?.message ?? ''} ${entry.path ? JSON.stringify(entry.path) : ''}`.slice(0, 300));
        } catch {
          // not a log line
        }
      }
      if (logged.size) process.stderr.write(`[fault:fuzz] server error logs:\n${[...logged].map((line) => `  ${line}`).join('\n')}\n`);
    }
    // One line per distinct problem (the examples with their bodies are printed above).
    expect([...new Set(findings.map((finding) => `${finding.case.kind}: ${finding.problem.slice(0, 120)}`))].sort()).toEqual([]);
    expect(partialWrites).toEqual([]);
    expect(rejectedChecked).toBeGreaterThan(CHECKED / 2);
  });
});
