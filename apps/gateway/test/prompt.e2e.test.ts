// The prompt registry end to end: through the gateway over HTTP, against the
// stack that `npm start` runs, on a real PostgreSQL.
import { promptVersionHash } from '@flywheel/core';
import { codes, gql, gqlOk, unique } from './client';

const REGISTER = `
  mutation Register($input: RegisterPromptInput!) {
    registerPrompt(input: $input) {
      created
      version { id number hash shortHash template variables labels commitMessage metadata
        modelConfig { model temperature maxTokens topP stop systemPrompt fewShot { input output } }
        prompt { name description latest { number } } }
    }
  }`;

const register = (input: Record<string, unknown>) => gqlOk(REGISTER, { input });

describe('registerPrompt', () => {
  it('creates version 1 with the content hash, variables and defaults filled', async () => {
    const name = unique('summarizer');
    const { registerPrompt } = await register({ name, template: 'Summarize: {text}', description: 'The seed example', commitMessage: 'first', metadata: { owner: 'search' } });
    expect(registerPrompt.created).toBe(true);
    const version = registerPrompt.version;
    expect(version.number).toBe(1);
    expect(version.hash).toBe(promptVersionHash('Summarize: {text}', undefined));
    expect(version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(version.shortHash).toBe(version.hash.slice(0, 12));
    expect(version.variables).toEqual(['text']);
    expect(version.modelConfig).toEqual({ model: null, temperature: 1, maxTokens: null, topP: 1, stop: [], systemPrompt: null, fewShot: [] });
    expect(version.metadata).toEqual({ owner: 'search' });
    expect(version.prompt).toEqual({ name, description: 'The seed example', latest: { number: 1 } });
  });

  it('returns the existing version for identical content, including spelled-out defaults', async () => {
    const name = unique('dedupe');
    const first = await register({ name, template: 'Hi {name}' });
    const again = await register({ name, template: 'Hi {name}', modelConfig: { temperature: 1, topP: 1, stop: [] }, commitMessage: 'ignored' });
    expect(again.registerPrompt.created).toBe(false);
    expect(again.registerPrompt.version.id).toBe(first.registerPrompt.version.id);
    expect(again.registerPrompt.version.commitMessage).toBeNull();
  });

  it('makes the model part of the identity: same template, other model, new version', async () => {
    const name = unique('per-model');
    await register({ name, template: 'Summarize: {text}', modelConfig: { model: 'gpt-4o' } });
    const other = await register({ name, template: 'Summarize: {text}', modelConfig: { model: 'claude-3-5-sonnet', fewShot: [{ input: 'a', output: 'b' }] } });
    expect(other.registerPrompt.created).toBe(true);
    expect(other.registerPrompt.version.number).toBe(2);
    expect(other.registerPrompt.version.modelConfig.fewShot).toEqual([{ input: 'a', output: 'b' }]);
  });

  it('gives 24 concurrent registrations of different content 24 distinct consecutive numbers', async () => {
    const name = unique('concurrent');
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => register({ name, template: `Variant ${i}: {text}` })));
    const numbers = results.map((r) => r.registerPrompt.version.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(results.every((r) => r.registerPrompt.created)).toBe(true);
    const { prompt } = await gqlOk(`query($name: String!) { prompt(name: $name) { versionCount latest { number } } }`, { name });
    expect(prompt).toEqual({ versionCount: 24, latest: { number: 24 } });
  });

  it('gives 12 concurrent registrations of the same content one version, created once', async () => {
    const name = unique('same');
    const results = await Promise.all(Array.from({ length: 12 }, () => register({ name, template: 'Same {content}' })));
    expect(new Set(results.map((r) => r.registerPrompt.version.id)).size).toBe(1);
    expect(results.filter((r) => r.registerPrompt.created)).toHaveLength(1);
    expect(results[0].registerPrompt.version.number).toBe(1);
  });

  it('reports latest as the highest number, not the last hash in sort order', async () => {
    const name = unique('latest');
    const hashes: string[] = [];
    for (const template of ['zzz {a}', 'aaa {a}', 'mmm {a}']) hashes.push((await register({ name, template })).registerPrompt.version.hash);
    const { prompt } = await gqlOk(`query($name: String!) { prompt(name: $name) { latest { number template } } }`, { name });
    expect(prompt.latest).toEqual({ number: 3, template: 'mmm {a}' });
  });

  describe('rejects bad input with BAD_USER_INPUT and writes nothing', () => {
    const cases: Array<[string, (name: string) => Record<string, unknown>, string]> = [
      ['a name with spaces', () => ({ name: 'has space', template: 't' }), 'name'],
      ['a name over 128 characters', () => ({ name: 'x'.repeat(129), template: 't' }), 'name'],
      ['an empty template', (name) => ({ name, template: '' }), 'template'],
      ['a template over 100 000 characters', (name) => ({ name, template: 'x'.repeat(100_001) }), 'template'],
      ['an unbalanced brace', (name) => ({ name, template: 'Hello {name' }), 'template'],
      ['temperature above 2', (name) => ({ name, template: 't', modelConfig: { temperature: 2.5 } }), 'modelConfig.temperature'],
      ['topP below 0', (name) => ({ name, template: 't', modelConfig: { topP: -0.1 } }), 'modelConfig.topP'],
      ['maxTokens of 0', (name) => ({ name, template: 't', modelConfig: { maxTokens: 0 } }), 'modelConfig.maxTokens'],
      ['a NUL byte', (name) => ({ name, template: 'a\u0000b' }), 'template'],
    ];
    it.each(cases)('%s', async (_label, build, field) => {
      const name = unique('invalid');
      const input = build(name);
      const result = await gql(REGISTER, { input });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe(field);
      const lookup = await gqlOk(`query($name: String!) { prompt(name: $name) { name } }`, { name: String(input.name) });
      expect(lookup.prompt).toBeNull();
    });

    it('a wrongly typed variable is rejected by GraphQL validation', async () => {
      const result = await gql(REGISTER, { input: { name: unique('typed'), template: 't', modelConfig: { maxTokens: 'many' } } });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    });
  });
});

describe('labels', () => {
  const SET_LABEL = `mutation($name: String!, $label: String!, $number: Int!) { setPromptLabel(name: $name, label: $label, number: $number) { number labels } }`;

  async function promptWithVersions(count: number): Promise<string> {
    const name = unique('labelled');
    for (let i = 1; i <= count; i += 1) await register({ name, template: `v${i} {x}` });
    return name;
  }

  it('moves a label and keeps its history', async () => {
    const name = await promptWithVersions(3);
    await gqlOk(SET_LABEL, { name, label: 'production', number: 1 });
    await gqlOk(SET_LABEL, { name, label: 'staging', number: 3 });
    const moved = await gqlOk(SET_LABEL, { name, label: 'production', number: 2 });
    expect(moved.setPromptLabel).toEqual({ number: 2, labels: ['production'] });
    const { prompt } = await gqlOk(
      `query($name: String!) { prompt(name: $name) {
        labels { name version { number } }
        version(label: "production") { number }
        labelHistory(label: "production") { label from { number } to { number } movedAt }
      } }`,
      { name },
    );
    expect(prompt.labels).toEqual([
      { name: 'production', version: { number: 2 } },
      { name: 'staging', version: { number: 3 } },
    ]);
    expect(prompt.version).toEqual({ number: 2 });
    expect(prompt.labelHistory.map((m: { from: { number: number } | null; to: { number: number } }) => [m.from?.number ?? null, m.to.number])).toEqual([
      [1, 2],
      [null, 1],
    ]);
  });

  it('keeps exactly one holder and a consistent history under 10 concurrent moves', async () => {
    const name = await promptWithVersions(5);
    await Promise.all(Array.from({ length: 10 }, (_, i) => gqlOk(SET_LABEL, { name, label: 'production', number: (i % 5) + 1 })));
    const { prompt } = await gqlOk(
      `query($name: String!) { prompt(name: $name) { labels { name version { number } } labelHistory(label: "production") { from { number } to { number } } } }`,
      { name },
    );
    expect(prompt.labels).toHaveLength(1);
    const history = [...prompt.labelHistory].reverse() as Array<{ from: { number: number } | null; to: { number: number } }>;
    expect(history[0].from).toBeNull();
    for (let i = 1; i < history.length; i += 1) expect(history[i].from?.number).toBe(history[i - 1].to.number);
    expect(history[history.length - 1].to.number).toBe(prompt.labels[0].version.number);
  });

  it('answers NOT_FOUND for a missing version or prompt, and writes nothing', async () => {
    const name = await promptWithVersions(1);
    expect(codes(await gql(SET_LABEL, { name, label: 'production', number: 7 }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(SET_LABEL, { name: unique('nope'), label: 'production', number: 1 }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(SET_LABEL, { name, label: 'bad label!', number: 1 }))).toEqual(['BAD_USER_INPUT']);
    const { prompt } = await gqlOk(`query($name: String!) { prompt(name: $name) { labels { name } labelHistory { label } } }`, { name });
    expect(prompt).toEqual({ labels: [], labelHistory: [] });
  });
});

describe('renderPrompt', () => {
  const RENDER = `query($name: String!, $label: String, $number: Int, $variables: JSON!) {
    renderPrompt(name: $name, label: $label, number: $number, variables: $variables) { text systemPrompt version { number } } }`;

  it('renders by label, by number and latest by default', async () => {
    const name = unique('render');
    await register({ name, template: 'Summarize: {text}', modelConfig: { systemPrompt: 'Be brief.' } });
    await register({ name, template: 'Write a 2-sentence summary:\n{text}' });
    await gqlOk(`mutation($name: String!) { setPromptLabel(name: $name, label: "production", number: 1) { number } }`, { name });
    const byLabel = await gqlOk(RENDER, { name, label: 'production', variables: { text: 'abc' } });
    expect(byLabel.renderPrompt).toEqual({ text: 'Summarize: abc', systemPrompt: 'Be brief.', version: { number: 1 } });
    const byNumber = await gqlOk(RENDER, { name, number: 2, variables: { text: 'abc' } });
    expect(byNumber.renderPrompt.text).toBe('Write a 2-sentence summary:\nabc');
    const latest = await gqlOk(RENDER, { name, variables: { text: 'x', unused: 1 } });
    expect(latest.renderPrompt.version.number).toBe(2);
  });

  it('names the missing variable', async () => {
    const name = unique('render-missing');
    await register({ name, template: 'Translate {text} into {language}' });
    const result = await gql(RENDER, { name, variables: { text: 'hola' } });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain("'language'");
    expect(result.errors?.[0].extensions?.missingVariables).toEqual(['language']);
  });

  it('rejects label and number together, and unknown labels', async () => {
    const name = unique('render-bad');
    await register({ name, template: '{x}' });
    expect(codes(await gql(RENDER, { name, label: 'production', number: 1, variables: { x: 1 } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(RENDER, { name, label: 'production', variables: { x: 1 } }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(RENDER, { name, variables: [] }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('browsing', () => {
  it('pages prompts by name prefix with cursors', async () => {
    const prefix = unique('page');
    for (const suffix of ['a', 'b', 'c', 'd', 'e']) await register({ name: `${prefix}/${suffix}`, template: 't' });
    const PAGE = `query($prefix: String, $after: String) { prompts(first: 2, after: $after, namePrefix: $prefix) { nodes { name } pageInfo { hasNextPage endCursor } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { prompts }: { prompts: { nodes: Array<{ name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } = await gqlOk(PAGE, { prefix: `${prefix}/`, after });
      names.push(...prompts.nodes.map((node) => node.name));
      if (!prompts.pageInfo.hasNextPage) break;
      after = prompts.pageInfo.endCursor;
    }
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e'].map((s) => `${prefix}/${s}`));
  });

  it('pages versions newest first and finds a version by hash prefix', async () => {
    const name = unique('versions');
    const hashes: string[] = [];
    for (let i = 1; i <= 3; i += 1) hashes.push((await register({ name, template: `v${i}` })).registerPrompt.version.hash);
    const { prompt } = await gqlOk(
      `query($name: String!, $hash: String!) { prompt(name: $name) { versions(first: 2) { totalCount nodes { number } pageInfo { hasNextPage } } version(hash: $hash) { number } } }`,
      { name, hash: hashes[0].slice(0, 8) },
    );
    expect(prompt.versions).toEqual({ totalCount: 3, nodes: [{ number: 3 }, { number: 2 }], pageInfo: { hasNextPage: true } });
    expect(prompt.version).toEqual({ number: 1 });
  });

  it('diffs two versions', async () => {
    const name = unique('diff');
    await register({ name, template: 'Summarize:\n{text}', modelConfig: { model: 'gpt-4o', temperature: 0.2 } });
    await register({ name, template: 'Write a 2-sentence summary:\n{text}', modelConfig: { model: 'gpt-4o-mini', temperature: 0.2 } });
    const { prompt } = await gqlOk(`query($name: String!) { prompt(name: $name) { diff(from: 1, to: 2) { templateDiff modelConfigChanges { field from to } } } }`, { name });
    expect(prompt.diff.templateDiff).toContain('-Summarize:');
    expect(prompt.diff.templateDiff).toContain('+Write a 2-sentence summary:');
    expect(prompt.diff.modelConfigChanges).toEqual([{ field: 'model', from: 'gpt-4o', to: 'gpt-4o-mini' }]);
  });
});
