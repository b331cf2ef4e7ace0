// Committed generated files must match their sources: the composed supergraph
// (which also fails here when composition reports an error) and the typed
// resolvers of every subgraph.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function run(args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe', encoding: 'utf8' }) };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

describe('generated files', () => {
  it('apps/gateway/src/supergraph.graphql is the current composition of the subgraph schemas', () => {
    const result = run(['tools/compose-supergraph.mjs', '--check']);
    expect(result.output).toContain('supergraph.graphql is up to date');
    expect(result.ok).toBe(true);
  });

  it('the typed resolvers are current (graphql-codegen --check)', () => {
    const result = run([join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--check']);
    if (!result.ok) throw new Error(`generated resolver types are stale: run \`npm run codegen\`\n${result.output}`);
  });
});
