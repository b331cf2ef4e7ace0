// The model registry and run tracking end to end: through the gateway over
// HTTP, against the stack that `npm start` runs, on a real PostgreSQL.
// Run alone with FLYWHEEL_TEST_SUBGRAPHS=prompt,experiment,feedback,model-registry (dataset
// versions, which model versions reference, come from the feedback subgraph).
import { codes, gql, gqlOk, unique } from './client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CREATE_MODEL = `mutation($name: String!, $description: String, $tags: [RegistryTagInput!]) {
  createRegisteredModel(name: $name, description: $description, tags: $tags) { name description tags { key value } versionCount }
}`;
const CREATE_VERSION = `mutation($input: CreateModelVersionInput!) {
  createModelVersion(input: $input) { id version source provider parameters stage aliases tags { key value } datasetVersionId model { name } run { id } }
}`;
const SET_ALIAS = `mutation($modelName: String!, $alias: String!, $version: Int!) { setModelAlias(modelName: $modelName, alias: $alias, version: $version) { version aliases } }`;
const DELETE_ALIAS = `mutation($modelName: String!, $alias: String!) { deleteModelAlias(modelName: $modelName, alias: $alias) { aliases { alias } } }`;
const TRANSITION = `mutation($modelName: String!, $version: Int!, $stage: ModelStage!, $archiveExisting: Boolean) {
  transitionModelVersionStage(modelName: $modelName, version: $version, stage: $stage, archiveExisting: $archiveExisting) { version stage }
}`;
const CREATE_RUN = `mutation($input: CreateRunInput!) { createRun(input: $input) { id project name status startedAt endedAt tags { key value } } }`;
const LOG_PARAM = `mutation($runId: ID!, $key: String!, $value: String!) { logParam(runId: $runId, key: $key, value: $value) { key value } }`;
const LOG_METRIC = `mutation($runId: ID!, $key: String!, $value: Float!, $step: Int, $timestamp: DateTime) {
  logMetric(runId: $runId, key: $key, value: $value, step: $step, timestamp: $timestamp) { key value step timestamp }
}`;
const LOG_METRICS = `mutation($runId: ID!, $metrics: [MetricInput!]!) { logMetrics(runId: $runId, metrics: $metrics) { key value step } }`;
const LOG_BATCH = `mutation($runId: ID!, $params: [ParamInput!], $metrics: [MetricInput!], $tags: [RegistryTagInput!]) {
  logBatch(runId: $runId, params: $params, metrics: $metrics, tags: $tags) { id status }
}`;
const LOG_TEXT = `mutation($runId: ID!, $path: String!, $text: String!) { logText(runId: $runId, path: $path, text: $text) { path size } }`;
const END_RUN = `mutation($runId: ID!, $status: RunStatus!) { endRun(runId: $runId, status: $status) { id status endedAt } }`;
const RUN_STATE = `query($id: ID!) { run(id: $id) { status params { key value } metrics { key value step } tags { key value } artifacts { path size } } }`;

const createModel = async (name: string, versions = 0) => {
  await gqlOk(CREATE_MODEL, { name });
  for (let i = 1; i <= versions; i += 1) await gqlOk(CREATE_VERSION, { input: { modelName: name, source: `s3://models/${name}/${i}` } });
  return name;
};
const createRun = async (input: Record<string, unknown> = {}) =>
  (await gqlOk(CREATE_RUN, { input: { project: unique('project'), ...input } })).createRun as { id: string; project: string };

describe('registered models and versions', () => {
  it('creates a model with tags, refuses a taken name, and finds models by prefix and tag, page by page', async () => {
    const prefix = unique('catalog');
    const created = await gqlOk(CREATE_MODEL, { name: `${prefix}/a`, description: 'first', tags: [{ key: 'team', value: 'search' }, { key: 'task', value: 'summarize' }] });
    expect(created.createRegisteredModel).toEqual({
      name: `${prefix}/a`,
      description: 'first',
      tags: [
        { key: 'task', value: 'summarize' },
        { key: 'team', value: 'search' },
      ],
      versionCount: 0,
    });
    const again = await gql(CREATE_MODEL, { name: `${prefix}/a` });
    expect(codes(again)).toEqual(['CONFLICT']);
    await gqlOk(CREATE_MODEL, { name: `${prefix}/b`, tags: [{ key: 'team', value: 'ads' }] });
    await gqlOk(CREATE_MODEL, { name: `${prefix}/c`, tags: [{ key: 'team', value: 'search' }] });
    const LIST = `query($prefix: String, $after: String, $tags: [RegistryTagFilter!]) {
      registeredModels(namePrefix: $prefix, first: 1, after: $after, tags: $tags) { nodes { name } pageInfo { hasNextPage endCursor } }
    }`;
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { registeredModels: { nodes: Array<{ name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } = await gqlOk(LIST, {
        prefix,
        after,
        tags: [{ key: 'team', value: 'search' }],
      });
      names.push(...page.registeredModels.nodes.map((node) => node.name));
      if (!page.registeredModels.pageInfo.hasNextPage) break;
      after = page.registeredModels.pageInfo.endCursor;
    }
    expect(names).toEqual([`${prefix}/a`, `${prefix}/c`]);
    const byKey = await gqlOk(`query($prefix: String) { registeredModels(namePrefix: $prefix, tags: [{ key: "task" }]) { nodes { name } } }`, { prefix });
    expect(byKey.registeredModels.nodes).toEqual([{ name: `${prefix}/a` }]);
  });

  it('gives 20 concurrent createModelVersion calls the numbers 1..20', async () => {
    const name = await createModel(unique('concurrent'));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gqlOk(CREATE_VERSION, { input: { modelName: name, source: `openai:gpt-4o-mini#${i}`, provider: 'openai' } })),
    );
    const numbers = results.map((r) => r.createModelVersion.version).sort((a: number, b: number) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { registeredModel } = await gqlOk(`query($name: String!) { registeredModel(name: $name) { versionCount latestVersion { version } versions { version } } }`, { name });
    expect(registeredModel.versionCount).toBe(20);
    expect(registeredModel.latestVersion).toEqual({ version: 20 });
    expect(registeredModel.versions.map((v: { version: number }) => v.version)).toEqual(numbers);
  });

  it('stores source, provider, parameters, dataset version id, description and tags, and edits them', async () => {
    const name = await createModel(unique('fields'));
    // A dataset version must exist (foreign key): an empty snapshot is the cheapest one.
    const { createDataset } = await gqlOk(`mutation($name: String!) { createDataset(input: { name: $name, filter: { until: "2000-01-01T00:00:00Z" } }) { id } }`, {
      name: unique('fields-dataset'),
    });
    const datasetVersionId = createDataset.id as string;
    const { createModelVersion: version } = await gqlOk(CREATE_VERSION, {
      input: {
        modelName: name,
        source: 'openai:gpt-4o-mini-2024-07-18',
        provider: 'openai',
        parameters: { temperature: 0.7, max_tokens: 256 },
        datasetVersionId,
        description: 'fine-tuned on March feedback',
        tags: [{ key: 'owner', value: 'search' }],
      },
    });
    expect(version).toMatchObject({
      version: 1,
      source: 'openai:gpt-4o-mini-2024-07-18',
      provider: 'openai',
      parameters: { temperature: 0.7, max_tokens: 256 },
      stage: 'NONE',
      aliases: [],
      tags: [{ key: 'owner', value: 'search' }],
      datasetVersionId,
      model: { name },
      run: null,
    });
    await gqlOk(`mutation($n: String!) { updateModelVersion(modelName: $n, version: 1, description: "v1, re-evaluated") { description } }`, { n: name });
    await gqlOk(`mutation($n: String!) { setModelVersionTag(modelName: $n, version: 1, key: "reviewed", value: "yes") { version } }`, { n: name });
    await gqlOk(`mutation($n: String!) { deleteModelVersionTag(modelName: $n, version: 1, key: "owner") { version } }`, { n: name });
    await gqlOk(`mutation($n: String!) { setRegisteredModelTag(name: $n, key: "domain", value: "nlp") { name } }`, { n: name });
    await gqlOk(`mutation($n: String!) { updateRegisteredModel(name: $n, description: "summarizers") { name } }`, { n: name });
    const missingTag = await gql(`mutation($n: String!) { deleteRegisteredModelTag(name: $n, key: "nope") { name } }`, { n: name });
    expect(codes(missingTag)).toEqual(['NOT_FOUND']);
    const { modelVersion } = await gqlOk(`query($id: ID!) { modelVersion(id: $id) { description tags { key value } model { description tags { key value } } } }`, {
      id: version.id,
    });
    expect(modelVersion).toEqual({
      description: 'v1, re-evaluated',
      tags: [{ key: 'reviewed', value: 'yes' }],
      model: { description: 'summarizers', tags: [{ key: 'domain', value: 'nlp' }] },
    });
  });

  it('finds a version by id, by model and number, and by model and alias; other selector mixes are BAD_USER_INPUT', async () => {
    const name = await createModel(unique('selectors'), 2);
    await gqlOk(SET_ALIAS, { modelName: name, alias: 'challenger', version: 2 });
    const Q = `query($id: ID, $modelName: String, $version: Int, $alias: String) { modelVersion(id: $id, modelName: $modelName, version: $version, alias: $alias) { id version } }`;
    const byNumber = (await gqlOk(Q, { modelName: name, version: 2 })).modelVersion;
    expect(byNumber.version).toBe(2);
    expect((await gqlOk(Q, { id: byNumber.id })).modelVersion).toEqual(byNumber);
    expect((await gqlOk(Q, { modelName: name, alias: 'challenger' })).modelVersion).toEqual(byNumber);
    expect((await gqlOk(Q, { modelName: name, alias: 'champion' })).modelVersion).toBeNull();
    expect((await gqlOk(Q, { modelName: name, version: 9 })).modelVersion).toBeNull();
    for (const variables of [{}, { modelName: name }, { modelName: name, version: 1, alias: 'challenger' }, { id: byNumber.id, modelName: name }]) {
      expect(codes(await gql(Q, variables))).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('aliases and their history', () => {
  it('moves champion atomically and answers aliasAt at each moment of its history', async () => {
    const name = await createModel(unique('champion'), 3);
    const before = new Date(Date.now() - 1000);
    await gqlOk(SET_ALIAS, { modelName: name, alias: 'champion', version: 1 });
    await sleep(10);
    const moved = await gqlOk(SET_ALIAS, { modelName: name, alias: 'champion', version: 2 });
    expect(moved.setModelAlias).toEqual({ version: 2, aliases: ['champion'] });
    await sleep(10);
    await gqlOk(SET_ALIAS, { modelName: name, alias: 'champion', version: 3 });
    await sleep(10);
    await gqlOk(DELETE_ALIAS, { modelName: name, alias: 'champion' });

    const { registeredModel } = await gqlOk(
      `query($name: String!) { registeredModel(name: $name) {
        aliases { alias }
        history(alias: "champion") { kind alias version { version } previousVersion { version } actor at }
      } }`,
      { name },
    );
    expect(registeredModel.aliases).toEqual([]);
    const history = [...registeredModel.history].reverse();
    expect(history.map((e: { kind: string; version: { version: number } | null; previousVersion: { version: number } | null }) => [e.kind, e.previousVersion?.version ?? null, e.version?.version ?? null])).toEqual([
      ['ALIAS_SET', null, 1],
      ['ALIAS_SET', 1, 2],
      ['ALIAS_SET', 2, 3],
      ['ALIAS_DELETED', 3, null],
    ]);
    // Who moved it: the gateway's authenticated principal (the test stack's ADMIN key).
    expect(history.every((e: { actor: string | null }) => typeof e.actor === 'string' && e.actor.length > 0)).toBe(true);

    const times = history.map((e: { at: string }) => new Date(e.at).getTime());
    const AT = `query($name: String!, $at: DateTime!) { registeredModel(name: $name) { aliasAt(alias: "champion", at: $at) { version } } }`;
    const aliasAt = async (at: number) => (await gqlOk(AT, { name, at: new Date(at).toISOString() })).registeredModel.aliasAt?.version ?? null;
    expect(await aliasAt(before.getTime())).toBeNull();
    expect(await aliasAt(times[0] - 1)).toBeNull();
    expect(await aliasAt(times[0])).toBe(1); // an event counts from its own instant on
    expect(await aliasAt(times[1] - 1)).toBe(1);
    expect(await aliasAt(times[1])).toBe(2);
    expect(await aliasAt(times[2] - 1)).toBe(2);
    expect(await aliasAt(times[2])).toBe(3);
    expect(await aliasAt(times[3])).toBeNull();
    expect(await aliasAt(Date.now() + 60_000)).toBeNull();
  });

  it('keeps one holder and a chained history under 10 concurrent moves', async () => {
    const name = await createModel(unique('race'), 5);
    await Promise.all(Array.from({ length: 10 }, (_, i) => gqlOk(SET_ALIAS, { modelName: name, alias: 'challenger', version: (i % 5) + 1 })));
    const { registeredModel } = await gqlOk(
      `query($name: String!) { registeredModel(name: $name) { aliases { alias version { version } } history { previousVersion { version } version { version } } } }`,
      { name },
    );
    expect(registeredModel.aliases).toHaveLength(1);
    const history = [...registeredModel.history].reverse() as Array<{ previousVersion: { version: number } | null; version: { version: number } }>;
    expect(history[0].previousVersion).toBeNull();
    for (let i = 1; i < history.length; i += 1) expect(history[i].previousVersion).toEqual(history[i - 1].version);
    expect(registeredModel.aliases[0].version).toEqual(history[history.length - 1].version);
  });

  it('transitions stages, archiving the current holders with archiveExisting, and records each transition', async () => {
    const name = await createModel(unique('stages'), 4);
    await gqlOk(TRANSITION, { modelName: name, version: 1, stage: 'PRODUCTION' });
    await gqlOk(TRANSITION, { modelName: name, version: 2, stage: 'PRODUCTION', archiveExisting: false });
    await gqlOk(TRANSITION, { modelName: name, version: 3, stage: 'STAGING' });
    const result = await gqlOk(TRANSITION, { modelName: name, version: 4, stage: 'PRODUCTION', archiveExisting: true });
    expect(result.transitionModelVersionStage).toEqual({ version: 4, stage: 'PRODUCTION' });
    const { registeredModel } = await gqlOk(
      `query($name: String!) { registeredModel(name: $name) {
        versions { version stage }
        production: versions(stage: PRODUCTION) { version }
        history { kind version { version } fromStage toStage actor at }
      } }`,
      { name },
    );
    expect(registeredModel.versions).toEqual([
      { version: 1, stage: 'ARCHIVED' },
      { version: 2, stage: 'ARCHIVED' },
      { version: 3, stage: 'STAGING' },
      { version: 4, stage: 'PRODUCTION' },
    ]);
    expect(registeredModel.production).toEqual([{ version: 4 }]);
    const transitions = [...registeredModel.history].reverse().map((e: { version: { version: number }; fromStage: string; toStage: string }) => [e.version.version, e.fromStage, e.toStage]);
    expect(transitions).toEqual([
      [1, 'NONE', 'PRODUCTION'],
      [2, 'NONE', 'PRODUCTION'],
      [3, 'NONE', 'STAGING'],
      [1, 'PRODUCTION', 'ARCHIVED'],
      [2, 'PRODUCTION', 'ARCHIVED'],
      [4, 'NONE', 'PRODUCTION'],
    ]);
    expect(registeredModel.history.every((e: { kind: string; actor: string | null }) => e.kind === 'STAGE_TRANSITION' && e.actor)).toBe(true);
  });
});

describe('run tracking', () => {
  it("runs the seed's MLflow example: params, metrics and the template as a text artifact, then FINISHED", async () => {
    const project = unique('prompt-experiments');
    const { createRun: run } = await gqlOk(CREATE_RUN, { input: { project, name: 'prompt_v2.1_test' } });
    expect(run).toMatchObject({ project, name: 'prompt_v2.1_test', status: 'RUNNING', endedAt: null });
    const template = 'Write a 2-sentence summary of:\n{text}';
    const logged = await gqlOk(
      `mutation($runId: ID!, $template: String!) {
        logBatch(runId: $runId,
          params: [{ key: "prompt_version", value: "v2.1" }, { key: "model", value: "gpt-4o-mini" }, { key: "temperature", value: "0.7" }],
          metrics: [{ key: "mean_rating", value: 4.2 }, { key: "hallucination_rate", value: 0.03 },
                    { key: "p50_latency_ms", value: 820 }, { key: "cost_per_request", value: 0.0023 }]) { id }
        logText(runId: $runId, path: "prompt_template.txt", text: $template) { path size }
        endRun(runId: $runId, status: FINISHED) { status endedAt }
      }`,
      { runId: run.id, template },
    );
    expect(logged.logText).toEqual({ path: 'prompt_template.txt', size: Buffer.byteLength(template) });
    expect(logged.endRun.status).toBe('FINISHED');
    const { run: stored } = await gqlOk(
      `query($id: ID!) { run(id: $id) {
        name status startedAt endedAt
        params { key value } temperature: param(key: "temperature")
        metrics { key value step }
        artifacts { path size }
        artifact(path: "prompt_template.txt") { text size }
      } }`,
      { id: run.id },
    );
    expect(stored.params).toEqual([
      { key: 'model', value: 'gpt-4o-mini' },
      { key: 'prompt_version', value: 'v2.1' },
      { key: 'temperature', value: '0.7' },
    ]);
    expect(stored.temperature).toBe('0.7');
    expect(stored.metrics).toEqual([
      { key: 'cost_per_request', value: 0.0023, step: 0 },
      { key: 'hallucination_rate', value: 0.03, step: 0 },
      { key: 'mean_rating', value: 4.2, step: 0 },
      { key: 'p50_latency_ms', value: 820, step: 0 },
    ]);
    expect(stored.artifacts).toEqual([{ path: 'prompt_template.txt', size: Buffer.byteLength(template) }]);
    expect(stored.artifact).toEqual({ text: template, size: Buffer.byteLength(template) });
    expect(new Date(stored.endedAt).getTime()).toBeGreaterThanOrEqual(new Date(stored.startedAt).getTime());

    // A finished run accepts no new metrics, params or artifacts (CONFLICT), but tags still annotate it.
    expect(codes(await gql(LOG_METRIC, { runId: run.id, key: 'mean_rating', value: 5 }))).toEqual(['CONFLICT']);
    expect(codes(await gql(LOG_PARAM, { runId: run.id, key: 'seed', value: '1' }))).toEqual(['CONFLICT']);
    expect(codes(await gql(LOG_TEXT, { runId: run.id, path: 'late.txt', text: 'x' }))).toEqual(['CONFLICT']);
    expect(codes(await gql(END_RUN, { runId: run.id, status: 'FAILED' }))).toEqual(['CONFLICT']);
    expect((await gqlOk(END_RUN, { runId: run.id, status: 'FINISHED' })).endRun.endedAt).toBe(logged.endRun.endedAt);
    await gqlOk(`mutation($id: ID!) { setRunTag(runId: $id, key: "reviewed", value: "yes") { id } }`, { id: run.id });
    const after = (await gqlOk(RUN_STATE, { id: run.id })).run;
    expect(after.metrics).toHaveLength(4);
    expect(after.params).toHaveLength(3);
    expect(after.tags).toEqual([{ key: 'reviewed', value: 'yes' }]);
  });

  it('keeps params immutable: the same value again is fine, a different one a CONFLICT, and of 10 racing values exactly one wins', async () => {
    const run = await createRun();
    expect((await gqlOk(LOG_PARAM, { runId: run.id, key: 'model', value: 'gpt-4o-mini' })).logParam).toEqual({ key: 'model', value: 'gpt-4o-mini' });
    await gqlOk(LOG_PARAM, { runId: run.id, key: 'model', value: 'gpt-4o-mini' });
    const changed = await gql(LOG_PARAM, { runId: run.id, key: 'model', value: 'gpt-4o' });
    expect(codes(changed)).toEqual(['CONFLICT']);
    expect(changed.errors?.[0].message).toContain('immutable');

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => gql(LOG_PARAM, { runId: run.id, key: 'temperature', value: `0.${i}` })));
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => codes(r)[0] === 'CONFLICT')).toHaveLength(9);
    const { run: stored } = await gqlOk(`query($id: ID!) { run(id: $id) { param(key: "temperature") } }`, { id: run.id });
    expect(stored.param).toBe(winners[0].data?.logParam.value);
  });

  it('keeps the full metric history ordered by step then timestamp, and reports the latest per key', async () => {
    const run = await createRun();
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
    // Logged out of order on purpose.
    await gqlOk(LOG_METRIC, { runId: run.id, key: 'loss', value: 0.5, step: 2, timestamp: t(30) });
    await gqlOk(LOG_METRIC, { runId: run.id, key: 'loss', value: 0.9, step: 0, timestamp: t(10) });
    await gqlOk(LOG_METRICS, {
      runId: run.id,
      metrics: [
        { key: 'loss', value: 0.7, step: 1, timestamp: t(25) },
        { key: 'loss', value: 0.65, step: 1, timestamp: t(20) },
        { key: 'loss', value: 0.45, step: 2, timestamp: t(40) },
        { key: 'accuracy', value: 0.8, step: 5, timestamp: t(1) },
        { key: 'accuracy', value: 0.6, step: 3, timestamp: t(50) },
      ],
    });
    const { run: stored } = await gqlOk(
      `query($id: ID!) { run(id: $id) { metricHistory(key: "loss") { value step timestamp } metrics { key value step timestamp } } }`,
      { id: run.id },
    );
    expect(stored.metricHistory).toEqual([
      { value: 0.9, step: 0, timestamp: t(10) },
      { value: 0.65, step: 1, timestamp: t(20) },
      { value: 0.7, step: 1, timestamp: t(25) },
      { value: 0.5, step: 2, timestamp: t(30) },
      { value: 0.45, step: 2, timestamp: t(40) },
    ]);
    expect(stored.metrics).toEqual([
      { key: 'accuracy', value: 0.8, step: 5, timestamp: t(1) },
      { key: 'loss', value: 0.45, step: 2, timestamp: t(40) },
    ]);
  });

  it('accepts 1 000 points in one logMetrics call and refuses 1 001 without writing any', async () => {
    const run = await createRun();
    const points = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'reward', value: i / 1000, step: i }));
    expect((await gqlOk(LOG_METRICS, { runId: run.id, metrics: points(1000) })).logMetrics).toHaveLength(1000);
    const tooMany = await gql(LOG_METRICS, { runId: run.id, metrics: points(1001) });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors?.[0].message).toContain('1000');
    const { run: stored } = await gqlOk(`query($id: ID!) { run(id: $id) { metricHistory(key: "reward") { step } metrics { value step } } }`, { id: run.id });
    expect(stored.metricHistory).toHaveLength(1000);
    expect(stored.metrics).toEqual([{ value: 0.999, step: 999 }]);
  });

  it('stores a text artifact of exactly 1 MiB and refuses one byte more, naming the limit', async () => {
    const run = await createRun();
    const mib = 1024 * 1024;
    expect((await gqlOk(LOG_TEXT, { runId: run.id, path: 'data/big.txt', text: 'a'.repeat(mib) })).logText).toEqual({ path: 'data/big.txt', size: mib });
    // 524 289 two-byte characters: fewer characters than the limit, more bytes.
    const tooBig = await gql(LOG_TEXT, { runId: run.id, path: 'data/too-big.txt', text: 'é'.repeat(mib / 2 + 1) });
    expect(codes(tooBig)).toEqual(['BAD_USER_INPUT']);
    expect(tooBig.errors?.[0].extensions?.field).toBe('text');
    expect(tooBig.errors?.[0].message).toContain('1 MiB');
    const { run: stored } = await gqlOk(`query($id: ID!) { run(id: $id) { artifacts { path size } } }`, { id: run.id });
    expect(stored.artifacts).toEqual([{ path: 'data/big.txt', size: mib }]);
  });

  it('filters runs by params, metric bounds, tags and status, orders them by a metric and pages through them', async () => {
    const project = unique('search');
    const specs = [
      { name: 'a', model: 'gpt-4o-mini', rating: 4.2, team: 'search', end: 'FINISHED' },
      { name: 'b', model: 'gpt-4o', rating: 4.6, team: 'search', end: 'FINISHED' },
      { name: 'c', model: 'gpt-4o-mini', rating: 3.1, team: 'ads', end: 'FAILED' },
      { name: 'd', model: 'gpt-4o-mini', rating: null, team: 'search', end: null },
      { name: 'e', model: 'gpt-4o-mini', rating: 4.4, team: 'search', end: 'FINISHED' },
    ];
    for (const spec of specs) {
      const { createRun: run } = await gqlOk(CREATE_RUN, { input: { project, name: spec.name, tags: [{ key: 'team', value: spec.team }] } });
      await gqlOk(LOG_BATCH, { runId: run.id, params: [{ key: 'model', value: spec.model }], metrics: spec.rating === null ? [] : [{ key: 'mean_rating', value: spec.rating }] });
      if (spec.end) await gqlOk(END_RUN, { runId: run.id, status: spec.end });
    }
    const RUNS = `query($project: String!, $filter: RunFilter, $orderBy: RunOrder, $first: Int, $after: String) {
      runs(project: $project, filter: $filter, orderBy: $orderBy, first: $first, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } }
    }`;
    const names = async (variables: Record<string, unknown>) => {
      const all: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: { runs: { nodes: Array<{ name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } = await gqlOk(RUNS, {
          project,
          first: 2,
          ...variables,
          after,
        });
        all.push(...page.runs.nodes.map((node) => node.name));
        if (!page.runs.pageInfo.hasNextPage) break;
        after = page.runs.pageInfo.endCursor;
      }
      return all;
    };
    expect(await names({})).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(await names({ orderBy: { metric: 'mean_rating', direction: 'DESC' } })).toEqual(['b', 'e', 'a', 'c', 'd']);
    expect(await names({ orderBy: { metric: 'mean_rating', direction: 'ASC' } })).toEqual(['c', 'a', 'e', 'b', 'd']);
    expect(await names({ filter: { params: [{ key: 'model', value: 'gpt-4o-mini' }] }, orderBy: { metric: 'mean_rating' } })).toEqual(['e', 'a', 'c', 'd']);
    expect(await names({ filter: { metricMin: [{ key: 'mean_rating', value: 4.2 }], metricMax: [{ key: 'mean_rating', value: 4.5 }] } })).toEqual(['e', 'a']);
    expect(await names({ filter: { tags: [{ key: 'team', value: 'search' }], status: 'FINISHED' } })).toEqual(['e', 'b', 'a']);
    expect(await names({ filter: { status: 'RUNNING' } })).toEqual(['d']);
    expect(await names({ filter: { tags: [{ key: 'missing' }] } })).toEqual([]);
    const wrongCursor = await gql(RUNS, { project, after: 'bm90LWEtY3Vyc29y' });
    expect(codes(wrongCursor)).toEqual(['BAD_USER_INPUT']);
  });

  it('compares runs on the union of their param and metric keys, aligned per run', async () => {
    const a = await createRun();
    const b = await createRun();
    await gqlOk(LOG_BATCH, { runId: a.id, params: [{ key: 'model', value: 'gpt-4o-mini' }, { key: 'temperature', value: '0.7' }], metrics: [{ key: 'mean_rating', value: 4.2 }] });
    await gqlOk(LOG_BATCH, { runId: b.id, params: [{ key: 'model', value: 'gpt-4o' }, { key: 'top_p', value: '0.9' }], metrics: [{ key: 'mean_rating', value: 4.5 }, { key: 'cost_per_request', value: 0.01 }] });
    const { compareRuns } = await gqlOk(`query($ids: [ID!]!) { compareRuns(ids: $ids) { paramKeys metricKeys rows { run { id } params metrics } } }`, { ids: [b.id, a.id] });
    expect(compareRuns).toEqual({
      paramKeys: ['model', 'temperature', 'top_p'],
      metricKeys: ['cost_per_request', 'mean_rating'],
      rows: [
        { run: { id: b.id }, params: ['gpt-4o', null, '0.9'], metrics: [0.01, 4.5] },
        { run: { id: a.id }, params: ['gpt-4o-mini', '0.7', null], metrics: [null, 4.2] },
      ],
    });
    const missing = await gql(`query($ids: [ID!]!) { compareRuns(ids: $ids) { paramKeys } }`, { ids: [a.id, '00000000-0000-4000-8000-000000000000'] });
    expect(codes(missing)).toEqual(['NOT_FOUND']);
  });
});

describe('lineage across subgraphs', () => {
  it('walks model version → run → prompt version template (prompt subgraph) and run → model versions', async () => {
    const promptName = unique('lineage-prompt');
    const template = 'Write a 2-sentence summary of:\n{text}';
    const registered = await gqlOk(
      `mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { version { id number } } }`,
      { input: { name: promptName, template, modelConfig: { model: 'gpt-4o-mini', temperature: 0.7 } } },
    );
    const promptVersionId = registered.registerPrompt.version.id;
    const experimentId = '3f1c2a9e-8d4b-4c6f-9a1e-2b7d5c8e0f13';
    const { createRun: run } = await gqlOk(CREATE_RUN, { input: { project: unique('lineage'), name: 'prompt_v2.1_test', promptVersionId, experimentId } });
    await gqlOk(LOG_METRIC, { runId: run.id, key: 'mean_rating', value: 4.2 });
    const modelName = await createModel(unique('lineage-model'));
    const { createModelVersion: version } = await gqlOk(CREATE_VERSION, { input: { modelName, source: 'openai:gpt-4o-mini-2024-07-18', runId: run.id } });
    await gqlOk(SET_ALIAS, { modelName, alias: 'champion', version: 1 });

    const { modelVersion } = await gqlOk(
      `query($name: String!) { modelVersion(modelName: $name, alias: "champion") {
        id version
        run { id name metrics { key value } experiment { id }
          promptVersion { id number template modelConfig { model temperature } prompt { name } }
          modelVersions { version model { name } } }
      } }`,
      { name: modelName },
    );
    expect(modelVersion).toEqual({
      id: version.id,
      version: 1,
      run: {
        id: run.id,
        name: 'prompt_v2.1_test',
        metrics: [{ key: 'mean_rating', value: 4.2 }],
        experiment: { id: experimentId },
        promptVersion: { id: promptVersionId, number: 1, template, modelConfig: { model: 'gpt-4o-mini', temperature: 0.7 }, prompt: { name: promptName } },
        modelVersions: [{ version: 1, model: { name: modelName } }],
      },
    });
  });
});

describe('bad input is rejected and writes nothing', () => {
  it.each<[string, (model: string) => Record<string, unknown>, string, string]>([
    ['an empty source', (m) => ({ modelName: m, source: '  ' }), 'BAD_USER_INPUT', 'source'],
    ['a source over 2 048 characters', (m) => ({ modelName: m, source: 'x'.repeat(2049) }), 'BAD_USER_INPUT', 'source'],
    ['parameters that are not an object', (m) => ({ modelName: m, source: 's', parameters: [1, 2] }), 'BAD_USER_INPUT', 'parameters'],
    ['parameters with a NUL', (m) => ({ modelName: m, source: 's', parameters: { a: 'x\u0000' } }), 'BAD_USER_INPUT', 'parameters'],
    ['a runId that is not a UUID', (m) => ({ modelName: m, source: 's', runId: 'run-1' }), 'BAD_USER_INPUT', 'runId'],
    ['a datasetVersionId that is not a UUID', (m) => ({ modelName: m, source: 's', datasetVersionId: '42' }), 'BAD_USER_INPUT', 'datasetVersionId'],
    ['a tag key given twice', (m) => ({ modelName: m, source: 's', tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }), 'BAD_USER_INPUT', 'tags[1].key'],
    ['a run that does not exist', (m) => ({ modelName: m, source: 's', runId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND', 'runId'],
  ])('createModelVersion with %s', async (_label, build, code, field) => {
    const name = await createModel(unique('invalid'));
    const result = await gql(CREATE_VERSION, { input: build(name) });
    expect(codes(result)).toEqual([code]);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    const { registeredModel } = await gqlOk(`query($name: String!) { registeredModel(name: $name) { versionCount versions { version } } }`, { name });
    expect(registeredModel).toEqual({ versionCount: 0, versions: [] });
  });

  it('rejects bad model names, unknown models, reserved or malformed aliases and unknown versions', async () => {
    const bad = await gql(CREATE_MODEL, { name: 'has space' });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect((await gqlOk(`{ registeredModel(name: "has space") { name } }`)).registeredModel).toBeNull();
    expect(codes(await gql(CREATE_VERSION, { input: { modelName: unique('nobody'), source: 's' } }))).toEqual(['NOT_FOUND']);
    const name = await createModel(unique('aliases'), 1);
    for (const alias of ['latest', 'v1', 'has space', 'x'.repeat(65)]) {
      const result = await gql(SET_ALIAS, { modelName: name, alias, version: 1 });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe('alias');
    }
    expect(codes(await gql(SET_ALIAS, { modelName: name, alias: 'champion', version: 2 }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(DELETE_ALIAS, { modelName: name, alias: 'champion' }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(TRANSITION, { modelName: name, version: 7, stage: 'PRODUCTION' }))).toEqual(['NOT_FOUND']);
    const { registeredModel } = await gqlOk(`query($name: String!) { registeredModel(name: $name) { aliases { alias } history { kind } versions { stage } } }`, { name });
    expect(registeredModel).toEqual({ aliases: [], history: [], versions: [{ stage: 'NONE' }] });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a project with spaces', { project: 'my project' }, 'BAD_USER_INPUT', 'project'],
    ['a promptVersionId that is not a UUID', { promptVersionId: 'v2.1' }, 'BAD_USER_INPUT', 'promptVersionId'],
    ['an unknown prompt version', { promptVersionId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'promptVersionId'],
    ['an experimentId that is not a UUID', { experimentId: 'ab-test-1' }, 'BAD_USER_INPUT', 'experimentId'],
    ['a datasetVersionId that is not a UUID', { datasetVersionId: 'march' }, 'BAD_USER_INPUT', 'datasetVersionId'],
    ['a tag value with a NUL', { tags: [{ key: 'k', value: 'a\u0000' }] }, 'BAD_USER_INPUT', 'tags[0].value'],
  ])('createRun with %s', async (_label, input, code, field) => {
    const project = unique('bad-runs');
    const result = await gql(CREATE_RUN, { input: { project, ...input } });
    expect(codes(result)).toEqual([code]);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    const { runs } = await gqlOk(`query($project: String!) { runs(project: $project) { nodes { id } } }`, { project: String(input.project ?? project).replace(' ', '-') });
    expect(runs.nodes).toEqual([]);
  });

  it.each<[string, string, (runId: string) => Record<string, unknown>, string]>([
    ['logParam with a key of bad characters', LOG_PARAM, (runId) => ({ runId, key: 'a\tb', value: '1' }), 'key'],
    ['logParam with a value over 6 000 characters', LOG_PARAM, (runId) => ({ runId, key: 'k', value: 'x'.repeat(6001) }), 'value'],
    ['logParam with a NUL in the value', LOG_PARAM, (runId) => ({ runId, key: 'k', value: '\u0000' }), 'value'],
    ['logMetric with a negative step', LOG_METRIC, (runId) => ({ runId, key: 'loss', value: 1, step: -1 }), 'step'],
    ['logMetric with a timestamp before 1900', LOG_METRIC, (runId) => ({ runId, key: 'loss', value: 1, timestamp: '1800-01-01T00:00:00.000Z' }), 'timestamp'],
    ['logMetrics with one bad key among good points', LOG_METRICS, (runId) => ({ runId, metrics: [{ key: 'ok', value: 1 }, { key: '', value: 2 }] }), 'metrics[1].key'],
    ['logBatch with two values for one param', LOG_BATCH, (runId) => ({ runId, params: [{ key: 'm', value: 'a' }, { key: 'm', value: 'b' }], metrics: [{ key: 'x', value: 1 }] }), 'params[1].value'],
    ['logText with a path that climbs out', LOG_TEXT, (runId) => ({ runId, path: '../secrets.txt', text: 'x' }), 'path'],
    ['logText with an absolute path', LOG_TEXT, (runId) => ({ runId, path: '/etc/passwd', text: 'x' }), 'path'],
    ['endRun with RUNNING', END_RUN, (runId) => ({ runId, status: 'RUNNING' }), 'status'],
    ['a runId that is not a UUID', LOG_PARAM, () => ({ runId: 'nope', key: 'k', value: 'v' }), 'runId'],
  ])('%s', async (_label, mutation, build, field) => {
    const run = await createRun();
    const result = await gql(mutation, build(run.id));
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    const { run: stored } = await gqlOk(RUN_STATE, { id: run.id });
    expect(stored).toEqual({ status: 'RUNNING', params: [], metrics: [], tags: [], artifacts: [] });
  });

  it('an unknown run is NOT_FOUND for every write', async () => {
    const runId = '00000000-0000-4000-8000-000000000000';
    for (const [mutation, variables] of [
      [LOG_PARAM, { runId, key: 'k', value: 'v' }],
      [LOG_METRIC, { runId, key: 'k', value: 1 }],
      [LOG_TEXT, { runId, path: 'a.txt', text: 'x' }],
      [END_RUN, { runId, status: 'FINISHED' }],
    ] as const) {
      expect(codes(await gql(mutation, variables))).toEqual(['NOT_FOUND']);
    }
    expect((await gqlOk(`query($id: ID!) { run(id: $id) { id } }`, { id: runId })).run).toBeNull();
  });
});
