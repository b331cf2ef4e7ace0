// The experiment subgraph end to end: through the gateway over HTTP, against
// the stack that `npm start` runs, on a real PostgreSQL.
//
// Expected assignments come from Python's hashlib, independently of libs/core:
// `python3 apps/experiment/tools/make-assignment-vectors.py` (Python 3.11,
// standard library) printed every number marked "(Python)" below.
import { codes, gql, gqlOk, unique } from './client';

const EXPERIMENT_FIELDS = `id name description status salt trafficAllocation winner createdAt updatedAt startedAt endedAt
  layer { name start end }
  variants { key position weight config promptVersion { id } modelVersion { id } }
  exposures { variant count forced }`;

const CREATE = `mutation Create($input: CreateExperimentInput!) { createExperiment(input: $input) { ${EXPERIMENT_FIELDS} } }`;
const UPDATE = `mutation Update($id: ID!, $input: UpdateExperimentInput!) { updateExperiment(id: $id, input: $input) { ${EXPERIMENT_FIELDS} } }`;
const START = `mutation Start($id: ID!) { startExperiment(id: $id) { id status startedAt endedAt } }`;
const PAUSE = `mutation Pause($id: ID!) { pauseExperiment(id: $id) { id status } }`;
const COMPLETE = `mutation Complete($id: ID!, $winner: String) { completeExperiment(id: $id, winner: $winner) { id status winner endedAt } }`;
const ASSIGN = `mutation Assign($experiment: String!, $unitId: String!) { assign(experiment: $experiment, unitId: $unitId) { unitId variant bucket forced experiment { name } } }`;
const ASSIGN_BATCH = `mutation AssignBatch($experiment: String!, $unitIds: [String!]!) { assignBatch(experiment: $experiment, unitIds: $unitIds) { unitId variant bucket forced } }`;
const EXPOSURES = `query Exposures($name: String!) { experiment(name: $name) { exposures { variant count forced } } }`;
const FORCE = `mutation Force($experimentId: ID!, $unitId: String!, $variant: String!) {
  forceVariant(experimentId: $experimentId, unitId: $unitId, variant: $variant) { unitId variant createdAt } }`;

interface Assigned {
  unitId: string;
  variant: string;
  bucket: number;
  forced: boolean;
}

async function registerPrompt(name: string, template: string): Promise<{ id: string }> {
  const { registerPrompt } = await gqlOk(`mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { version { id } } }`, {
    input: { name, template },
  });
  return registerPrompt.version;
}

async function create(input: Record<string, unknown>) {
  return (await gqlOk(CREATE, { input })).createExperiment;
}

async function createRunning(input: Record<string, unknown>) {
  const experiment = await create(input);
  await gqlOk(START, { id: experiment.id });
  return experiment;
}

async function assign(experiment: string, unitId: string): Promise<Assigned | null> {
  return (await gqlOk(ASSIGN, { experiment, unitId })).assign;
}

async function assignBatch(experiment: string, unitIds: string[]): Promise<Array<Assigned | null>> {
  return (await gqlOk(ASSIGN_BATCH, { experiment, unitIds })).assignBatch;
}

async function exposures(name: string): Promise<Array<{ variant: string; count: number; forced: number }>> {
  return (await gqlOk(EXPOSURES, { name })).experiment.exposures;
}

function countBy(values: Array<string | null>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

const TEN_THOUSAND = Array.from({ length: 10_000 }, (_, i) => `user_${i}`);

describe('the seed example', () => {
  it('creates an experiment over two prompt versions, starts it and assigns user_101 → B, user_202 → A, user_303 → A', async () => {
    const promptName = unique('summarizer');
    const a = await registerPrompt(promptName, 'Summarize the following text:\n{text}');
    const b = await registerPrompt(promptName, 'Write a 2-sentence summary:\n{text}');
    const name = unique('summarizer_prompt');
    const experiment = await create({
      name,
      description: 'The seed ABExperiment',
      salt: 'summarizer_prompt',
      variants: [
        { key: 'A', weight: 0.5, promptVersionId: a.id },
        { key: 'B', weight: 0.5, promptVersionId: b.id },
      ],
    });
    expect(experiment).toMatchObject({ name, status: 'DRAFT', salt: 'summarizer_prompt', trafficAllocation: 1, startedAt: null, layer: null });
    expect(experiment.variants).toEqual([
      { key: 'A', position: 0, weight: 0.5, config: null, promptVersion: { id: a.id }, modelVersion: null },
      { key: 'B', position: 1, weight: 0.5, config: null, promptVersion: { id: b.id }, modelVersion: null },
    ]);
    await gqlOk(START, { id: experiment.id });
    // (Python) hashlib.md5(f"summarizer_prompt:{u}".encode()).hexdigest()[:8] / 0xFFFFFFFF
    const expected = [
      ['user_101', 'B', 0.03289086907936513],
      ['user_202', 'A', 0.6147121897932869],
      ['user_303', 'A', 0.6500109670800183],
    ] as const;
    for (const [unitId, variant, bucket] of expected) {
      expect(await assign(name, unitId)).toEqual({ unitId, variant, bucket, forced: false, experiment: { name } });
    }
    // By id as well as by name.
    expect((await assign(experiment.id, 'user_101'))?.variant).toBe('B');
  });

  it('defaults the salt to the name, and a rename never reshuffles anyone', async () => {
    const name = unique('renamed');
    const experiment = await createRunning({ name, variants: [{ key: 'A' }, { key: 'B' }, { key: 'C' }] });
    expect(experiment.salt).toBe(name);
    const ids = Array.from({ length: 200 }, (_, i) => `unit-${i}`);
    const before = await assignBatch(name, ids);
    const renamed = unique('renamed-again');
    const { updateExperiment } = await gqlOk(UPDATE, { id: experiment.id, input: { name: renamed, description: 'now with a new name' } });
    expect(updateExperiment).toMatchObject({ name: renamed, salt: name, status: 'RUNNING', description: 'now with a new name' });
    expect(await assignBatch(renamed, ids)).toEqual(before);
    expect(codes(await gql(ASSIGN, { experiment: name, unitId: 'x' }))).toEqual(['NOT_FOUND']);
  });
});

describe('assignment matches Python hashlib', () => {
  // (Python) salt three_way_split, weights 50/30/20 over [control, shorter, bullets], ranges from the top down.
  const THREE_WAY: Array<[string, string, number]> = [
    ['user_1', 'control', 0.9552800848510303],
    ['user_2', 'control', 0.9978495643003493],
    ['user_3', 'shorter', 0.27565593604828603],
    ['user_4', 'bullets', 0.17440626588054148],
    ['user_5', 'control', 0.5278777506965859],
    ['user_8', 'bullets', 0.17840160945858843],
    ['user_9', 'control', 0.614998867412796],
    ['alice@example.com', 'shorter', 0.37302238200163057],
    ['Zoë', 'shorter', 0.25621891493355364],
    ['ユーザー42', 'control', 0.5934201240524231],
  ];

  it('splits 3 variants 50/30/20 exactly as the reference, one by one and in a batch', async () => {
    const name = unique('three-way');
    await createRunning({
      name,
      salt: 'three_way_split',
      variants: [
        { key: 'control', weight: 5 },
        { key: 'shorter', weight: 3 },
        { key: 'bullets', weight: 2 },
      ],
    });
    for (const [unitId, variant, bucket] of THREE_WAY) {
      expect(await assign(name, unitId)).toMatchObject({ unitId, variant, bucket });
    }
    const batch = await assignBatch(name, THREE_WAY.map(([unitId]) => unitId));
    expect(batch.map((a) => [a?.unitId, a?.variant, a?.bucket])).toEqual(THREE_WAY);
    const { experiment } = await gqlOk(`query($name: String!) { experiment(name: $name) { variants { key weight } } }`, { name });
    expect(experiment.variants).toEqual([
      { key: 'control', weight: 0.5 },
      { key: 'shorter', weight: 0.3 },
      { key: 'bullets', weight: 0.2 },
    ]);
  });

  it('assigns 10 000 users in one call with the seed’s exact split, and one query returns variants, templates and exposure counts', async () => {
    const promptName = unique('summarizer-10k');
    const a = await registerPrompt(promptName, 'Summarize the following text:\n{text}');
    const b = await registerPrompt(promptName, 'Write a 2-sentence summary:\n{text}');
    const name = unique('seed-10k');
    const experiment = await createRunning({
      name,
      salt: 'summarizer_prompt',
      variants: [
        { key: 'A', promptVersionId: a.id, config: { temperature: 0.7 } },
        { key: 'B', promptVersionId: b.id },
      ],
    });

    const started = performance.now();
    const assigned = await assignBatch(name, TEN_THOUSAND);
    const firstMs = performance.now() - started;
    const again = performance.now();
    await assignBatch(name, TEN_THOUSAND);
    const secondMs = performance.now() - again;
    console.log(`assignBatch of 10 000 ids through the gateway: ${firstMs.toFixed(0)} ms writing exposures, ${secondMs.toFixed(0)} ms when all are already exposed`);

    expect(assigned).toHaveLength(10_000);
    assigned.forEach((assignment, i) => expect(assignment?.unitId).toBe(TEN_THOUSAND[i]));
    // (Python) counts over user_0 … user_9999, and every 499th id.
    expect(countBy(assigned.map((assignment) => assignment?.variant ?? null))).toEqual({ A: 5081, B: 4919 });
    const sample: Record<string, string> = {
      user_0: 'A', user_499: 'A', user_998: 'A', user_1497: 'B', user_1996: 'B', user_2495: 'B', user_2994: 'B',
      user_3493: 'A', user_3992: 'B', user_4491: 'A', user_4990: 'A', user_5489: 'B', user_5988: 'B', user_6487: 'A',
      user_6986: 'A', user_7485: 'A', user_7984: 'B', user_8483: 'B', user_8982: 'A', user_9481: 'B', user_9980: 'A',
    };
    for (const [unitId, variant] of Object.entries(sample)) expect(assigned[Number(unitId.slice(5))]?.variant).toBe(variant);

    // The "done when" query: variants → prompt version templates, and exposure counts, in one request.
    const { experiment: read } = await gqlOk(
      `query Overview($id: ID!) { experiment(id: $id) {
        name status
        variants { key weight config promptVersion { id number template prompt { name } } }
        exposures { variant count forced }
      } }`,
      { id: experiment.id },
    );
    expect(read).toEqual({
      name,
      status: 'RUNNING',
      variants: [
        { key: 'A', weight: 0.5, config: { temperature: 0.7 }, promptVersion: { id: a.id, number: 1, template: 'Summarize the following text:\n{text}', prompt: { name: promptName } } },
        { key: 'B', weight: 0.5, config: null, promptVersion: { id: b.id, number: 2, template: 'Write a 2-sentence summary:\n{text}', prompt: { name: promptName } } },
      ],
      exposures: [
        { variant: 'A', count: 5081, forced: 0 },
        { variant: 'B', count: 4919, forced: 0 },
      ],
    });
    // And from the prompt's side: the experiments that test a version.
    const { promptVersion } = await gqlOk(`query($id: ID!) { promptVersion(id: $id) { template experiments { name status } } }`, { id: b.id });
    expect(promptVersion).toEqual({ template: 'Write a 2-sentence summary:\n{text}', experiments: [{ name, status: 'RUNNING' }] });
  });
});

describe('exposures', () => {
  it('keeps exactly one exposure per unit when many parallel requests assign the same units', async () => {
    const name = unique('concurrent-exposure');
    await createRunning({ name, variants: [{ key: 'A' }, { key: 'B' }] });
    const units = Array.from({ length: 50 }, (_, i) => `same-${i}`);
    const requests = [
      ...Array.from({ length: 40 }, (_, i) => assign(name, units[i % 5])),
      ...Array.from({ length: 8 }, (_, k) => assignBatch(name, k % 2 ? [...units].reverse() : units)),
    ];
    const results = await Promise.all(requests);
    const single = results.slice(0, 40) as Array<Assigned | null>;
    for (const assignment of single) expect(assignment?.variant).toBe((results[40] as Assigned[])[units.indexOf(assignment?.unitId ?? '')].variant);
    const counts = await exposures(name);
    expect(counts.reduce((sum, row) => sum + row.count, 0)).toBe(50);
    const expected = countBy((results[40] as Assigned[]).map((assignment) => assignment.variant));
    expect(Object.fromEntries(counts.map((row) => [row.variant, row.count]))).toEqual({ A: expected.A ?? 0, B: expected.B ?? 0 });
  });
});

describe('lifecycle', () => {
  it('walks DRAFT → RUNNING → PAUSED → RUNNING → COMPLETED with a winner, with the assignments and history each state implies', async () => {
    const name = unique('lifecycle');
    const experiment = await create({ name, salt: 'summarizer_prompt', variants: [{ key: 'A' }, { key: 'B' }] });
    const id = experiment.id;

    // DRAFT: null (the caller serves its default), nothing recorded.
    expect(await assign(name, 'user_101')).toBeNull();
    expect(await assignBatch(name, ['user_101', 'user_202'])).toEqual([null, null]);

    const started = (await gqlOk(START, { id })).startExperiment;
    expect(started.status).toBe('RUNNING');
    expect(started.startedAt).not.toBeNull();
    expect((await assign(name, 'user_101'))?.variant).toBe('B');

    expect((await gqlOk(PAUSE, { id })).pauseExperiment.status).toBe('PAUSED');
    expect(await assign(name, 'user_202')).toBeNull();

    const resumed = (await gqlOk(START, { id })).startExperiment;
    expect(resumed).toMatchObject({ status: 'RUNNING', startedAt: started.startedAt });
    expect((await assign(name, 'user_202'))?.variant).toBe('A');
    expect(await exposures(name)).toEqual([
      { variant: 'A', count: 1, forced: 0 },
      { variant: 'B', count: 1, forced: 0 },
    ]);

    const completed = (await gqlOk(COMPLETE, { id, winner: 'B' })).completeExperiment;
    expect(completed).toMatchObject({ status: 'COMPLETED', winner: 'B' });
    expect(completed.endedAt).not.toBeNull();
    // Roll-out: the winner for everyone (even user_202, hashed to A), with the usual bucket, and no new exposure.
    expect(await assign(name, 'user_202')).toEqual({ unitId: 'user_202', variant: 'B', bucket: 0.6147121897932869, forced: false, experiment: { name } });
    expect((await assignBatch(name, ['user_303', 'new-user'])).map((a) => a?.variant)).toEqual(['B', 'B']);
    expect(await exposures(name)).toEqual([
      { variant: 'A', count: 1, forced: 0 },
      { variant: 'B', count: 1, forced: 0 },
    ]);

    const { experiment: read } = await gqlOk(`query($id: ID!) { experiment(id: $id) { history { action fromStatus toStatus details } } }`, { id });
    expect(read.history).toEqual([
      { action: 'CREATED', fromStatus: null, toStatus: 'DRAFT', details: { name, salt: 'summarizer_prompt' } },
      { action: 'STARTED', fromStatus: 'DRAFT', toStatus: 'RUNNING', details: null },
      { action: 'PAUSED', fromStatus: 'RUNNING', toStatus: 'PAUSED', details: null },
      { action: 'RESUMED', fromStatus: 'PAUSED', toStatus: 'RUNNING', details: null },
      { action: 'COMPLETED', fromStatus: 'RUNNING', toStatus: 'COMPLETED', details: { winner: 'B' } },
    ]);
  });

  it('assigns null after completion without a winner', async () => {
    const name = unique('no-winner');
    const experiment = await createRunning({ name, variants: [{ key: 'A' }, { key: 'B' }] });
    await gqlOk(PAUSE, { id: experiment.id });
    expect((await gqlOk(COMPLETE, { id: experiment.id })).completeExperiment).toMatchObject({ status: 'COMPLETED', winner: null });
    expect(await assign(name, 'anyone')).toBeNull();
  });

  it('rejects every illegal transition with BAD_USER_INPUT saying which, and changes nothing', async () => {
    const name = unique('illegal');
    const { id } = await create({ name, variants: [{ key: 'A' }, { key: 'B' }] });
    const expectIllegal = async (query: string, variables: Record<string, unknown>, words: RegExp, status: string) => {
      const result = await gql(query, variables);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message).toMatch(words);
      const { experiment } = await gqlOk(`query($id: ID!) { experiment(id: $id) { status } }`, { id });
      expect(experiment.status).toBe(status);
    };
    await expectIllegal(PAUSE, { id }, /Cannot pause .* it is DRAFT, and pause needs RUNNING/, 'DRAFT');
    await expectIllegal(COMPLETE, { id }, /Cannot complete .* it is DRAFT, and complete needs RUNNING or PAUSED/, 'DRAFT');
    await gqlOk(START, { id });
    await expectIllegal(START, { id }, /Cannot start .* it is RUNNING, and start needs DRAFT or PAUSED/, 'RUNNING');
    await expectIllegal(COMPLETE, { id, winner: 'Z' }, /winner 'Z' is not a variant/, 'RUNNING');
    await gqlOk(PAUSE, { id });
    await expectIllegal(PAUSE, { id }, /Cannot pause .* it is PAUSED/, 'PAUSED');
    await gqlOk(COMPLETE, { id, winner: 'A' });
    await expectIllegal(START, { id }, /Cannot start .* it is COMPLETED/, 'COMPLETED');
    await expectIllegal(PAUSE, { id }, /Cannot pause .* it is COMPLETED/, 'COMPLETED');
    await expectIllegal(COMPLETE, { id, winner: 'B' }, /Cannot complete .* it is COMPLETED/, 'COMPLETED');
    await expectIllegal(UPDATE, { id, input: { description: 'late' } }, /COMPLETED and can no longer change/, 'COMPLETED');
    expect(codes(await gql(START, { id: '00000000-0000-0000-0000-000000000000' }))).toEqual(['NOT_FOUND']);
  });

  it('changes variants only in DRAFT', async () => {
    const name = unique('edit-variants');
    const { id } = await create({ name, variants: [{ key: 'A' }, { key: 'B' }] });
    const edited = (await gqlOk(UPDATE, { id, input: { variants: [{ key: 'control', weight: 1 }, { key: 'x', weight: 1 }, { key: 'y', weight: 2 }] } })).updateExperiment;
    expect(edited.variants.map((v: { key: string; weight: number }) => [v.key, v.weight])).toEqual([
      ['control', 0.25],
      ['x', 0.25],
      ['y', 0.5],
    ]);
    await gqlOk(START, { id });
    const result = await gql(UPDATE, { id, input: { variants: [{ key: 'A' }, { key: 'B' }] } });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain('Only a DRAFT experiment can change its variants');
    const { experiment } = await gqlOk(`query($id: ID!) { experiment(id: $id) { variants { key } } }`, { id });
    expect(experiment.variants.map((v: { key: string }) => v.key)).toEqual(['control', 'x', 'y']);
  });
});

describe('forced variants', () => {
  it('forces a variant on a unit, marks its exposures forced and keeps them out of the counts', async () => {
    const name = unique('forced');
    const { id } = await createRunning({ name, salt: 'summarizer_prompt', variants: [{ key: 'A' }, { key: 'B' }] });
    // user_202 hashes to A (Python); force B on it before its first exposure.
    expect((await gqlOk(FORCE, { experimentId: id, unitId: 'user_202', variant: 'B' })).forceVariant).toMatchObject({ unitId: 'user_202', variant: 'B' });
    expect(await assign(name, 'user_202')).toMatchObject({ variant: 'B', forced: true, bucket: 0.6147121897932869 });
    // user_303 (A) is exposed first, then forced: its exposure becomes forced.
    expect((await assign(name, 'user_303'))?.variant).toBe('A');
    await gqlOk(FORCE, { experimentId: id, unitId: 'user_303', variant: 'B' });
    expect((await assignBatch(name, ['user_101', 'user_303'])).map((a) => [a?.variant, a?.forced])).toEqual([
      ['B', false],
      ['B', true],
    ]);
    expect(await exposures(name)).toEqual([
      { variant: 'A', count: 0, forced: 1 },
      { variant: 'B', count: 1, forced: 1 },
    ]);
    const { experiment } = await gqlOk(`query($name: String!) { experiment(name: $name) { forcedAssignments { unitId variant } } }`, { name });
    expect(experiment.forcedAssignments).toEqual([
      { unitId: 'user_202', variant: 'B' },
      { unitId: 'user_303', variant: 'B' },
    ]);
    const bad = await gql(FORCE, { experimentId: id, unitId: 'user_404', variant: 'C' });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0].extensions?.field).toBe('variant');
    const cleared = await gqlOk(`mutation($id: ID!) { clearForcedVariant(experimentId: $id, unitId: "user_202") }`, { id });
    expect(cleared.clearForcedVariant).toBe(true);
    expect(await assign(name, 'user_202')).toMatchObject({ variant: 'A', forced: false });
  });
});

describe('traffic allocation', () => {
  it('admits the reference units at 60 %, and raising it to 90 % only adds units', async () => {
    const name = unique('traffic');
    const { id } = await createRunning({
      name,
      salt: 'three_way_split',
      trafficAllocation: 0.6,
      variants: [
        { key: 'control', weight: 0.5 },
        { key: 'shorter', weight: 0.3 },
        { key: 'bullets', weight: 0.2 },
      ],
    });
    const at60 = await assignBatch(name, TEN_THOUSAND);
    // (Python) traffic hash md5(f"traffic:three_way_split:{u}") < 0.6, then the 50/30/20 split.
    expect(countBy(at60.map((a) => a?.variant ?? null))).toEqual({ control: 3033, shorter: 1812, bullets: 1227, null: 3928 });
    expect([at60[0]?.variant, at60[997], at60[6979]?.variant, at60[8973]?.variant]).toEqual(['bullets', null, 'control', 'shorter']);

    const lowered = await gql(UPDATE, { id, input: { trafficAllocation: 0.5 } });
    expect(codes(lowered)).toEqual(['BAD_USER_INPUT']);
    expect(lowered.errors?.[0].extensions?.field).toBe('trafficAllocation');

    await gqlOk(UPDATE, { id, input: { trafficAllocation: 0.9 } });
    const at90 = await assignBatch(name, TEN_THOUSAND);
    expect(at90.filter((a) => a !== null)).toHaveLength(9019); // (Python)
    at60.forEach((a, i) => {
      if (a) expect(at90[i]).toEqual(a);
    });
    const counts = await exposures(name);
    expect(counts.reduce((sum, row) => sum + row.count, 0)).toBe(9019);
  });
});

describe('layers', () => {
  it('keeps overlapping experiments of one layer from running together, and their units disjoint', async () => {
    const layer = unique('layer');
    const first = await createRunning({ name: unique('layer-first'), variants: [{ key: 'A' }, { key: 'B' }], layer: { name: layer, start: 0, end: 0.5 } });
    const overlapping = await create({ name: unique('layer-overlap'), variants: [{ key: 'A' }, { key: 'B' }], layer: { name: layer, start: 0.4, end: 0.8 } });
    const refused = await gql(START, { id: overlapping.id });
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0].message).toContain(first.name);
    expect((await gqlOk(`query($id: ID!) { experiment(id: $id) { status } }`, { id: overlapping.id })).experiment.status).toBe('DRAFT');

    const second = await createRunning({ name: unique('layer-second'), variants: [{ key: 'A' }, { key: 'B' }], layer: { name: layer, start: 0.5, end: 1 } });
    expect(second.layer).toEqual({ name: layer, start: 0.5, end: 1 });
    const ids = Array.from({ length: 2000 }, (_, i) => `layered-${i}`);
    const [inFirst, inSecond] = await Promise.all([assignBatch(first.name, ids), assignBatch(second.name, ids)]);
    ids.forEach((_, i) => expect(inFirst[i] !== null && inSecond[i] !== null).toBe(false));
    // Together the two halves cover everyone; each takes roughly half.
    ids.forEach((_, i) => expect(inFirst[i] !== null || inSecond[i] !== null).toBe(true));
    expect(inFirst.filter(Boolean).length).toBeGreaterThan(850);
    expect(inFirst.filter(Boolean).length).toBeLessThan(1150);

    // A PAUSED experiment still holds its slice; a COMPLETED one frees it.
    await gqlOk(PAUSE, { id: first.id });
    expect(codes(await gql(START, { id: overlapping.id }))).toEqual(['CONFLICT']);
    await gqlOk(COMPLETE, { id: first.id });
    expect(codes(await gql(START, { id: overlapping.id }))).toEqual(['CONFLICT']); // still overlaps `second`
    await gqlOk(UPDATE, { id: overlapping.id, input: { layer: { name: layer, start: 0, end: 0.5 } } });
    expect((await gqlOk(START, { id: overlapping.id })).startExperiment.status).toBe('RUNNING');
  });
});

describe('bad input is rejected and writes nothing', () => {
  let promptVersionId: string;
  beforeAll(async () => {
    promptVersionId = (await registerPrompt(unique('bad-input'), 'T {x}')).id;
  });
  const two = [{ key: 'A' }, { key: 'B' }];
  const cases: Array<[string, (name: string) => Record<string, unknown>, string, string]> = [
    ['a name with spaces', () => ({ name: 'has space', variants: two }), 'BAD_USER_INPUT', 'name'],
    ['a name over 128 characters', () => ({ name: 'x'.repeat(129), variants: two }), 'BAD_USER_INPUT', 'name'],
    ['one variant', (name) => ({ name, variants: [{ key: 'A' }] }), 'BAD_USER_INPUT', 'variants'],
    ['duplicate keys', (name) => ({ name, variants: [{ key: 'A' }, { key: 'A' }] }), 'BAD_USER_INPUT', 'variants[1].key'],
    ['a key with a space', (name) => ({ name, variants: [{ key: 'A' }, { key: 'B B' }] }), 'BAD_USER_INPUT', 'variants[1].key'],
    ['a key over 64 characters', (name) => ({ name, variants: [{ key: 'k'.repeat(65) }, { key: 'B' }] }), 'BAD_USER_INPUT', 'variants[0].key'],
    ['a zero weight', (name) => ({ name, variants: [{ key: 'A', weight: 0 }, { key: 'B' }] }), 'BAD_USER_INPUT', 'variants[0].weight'],
    ['a negative weight', (name) => ({ name, variants: [{ key: 'A' }, { key: 'B', weight: -1 }] }), 'BAD_USER_INPUT', 'variants[1].weight'],
    ['weights that overflow', (name) => ({ name, variants: [{ key: 'A', weight: 1.7e308 }, { key: 'B', weight: 1.7e308 }] }), 'BAD_USER_INPUT', 'variants'],
    ['trafficAllocation 0', (name) => ({ name, variants: two, trafficAllocation: 0 }), 'BAD_USER_INPUT', 'trafficAllocation'],
    ['trafficAllocation above 1', (name) => ({ name, variants: two, trafficAllocation: 1.5 }), 'BAD_USER_INPUT', 'trafficAllocation'],
    ['an unknown prompt version', (name) => ({ name, variants: [{ key: 'A' }, { key: 'B', promptVersionId: '00000000-0000-4000-8000-000000000000' }] }), 'NOT_FOUND', 'variants[1].promptVersionId'],
    ['a prompt version id that is no UUID', (name) => ({ name, variants: [{ key: 'A', promptVersionId: 'v1' }, { key: 'B' }] }), 'BAD_USER_INPUT', 'variants[0].promptVersionId'],
    ['a model version id that is no UUID', (name) => ({ name, variants: [{ key: 'A' }, { key: 'B', modelVersionId: 'gpt-4o' }] }), 'BAD_USER_INPUT', 'variants[1].modelVersionId'],
    ['a config over 64 KiB', (name) => ({ name, variants: [{ key: 'A', config: { blob: 'x'.repeat(65_536) } }, { key: 'B' }] }), 'BAD_USER_INPUT', 'variants[0].config'],
    ['a NUL in the description', (name) => ({ name, description: 'a\u0000b', variants: two }), 'BAD_USER_INPUT', 'description'],
    ['an empty salt', (name) => ({ name, salt: '', variants: two }), 'BAD_USER_INPUT', 'salt'],
    ['a layer slice ending before it starts', (name) => ({ name, variants: two, layer: { name: 'l', start: 0.5, end: 0.5 } }), 'BAD_USER_INPUT', 'layer.end'],
    ['a layer slice past 1', (name) => ({ name, variants: two, layer: { name: 'l', start: 0.5, end: 1.5 } }), 'BAD_USER_INPUT', 'layer.end'],
  ];
  it.each(cases)('%s', async (_label, build, code, field) => {
    const name = unique('invalid');
    const input = build(name);
    // The valid prompt version on variant 0 of the NOT_FOUND case shows that one bad index is enough.
    if (code === 'NOT_FOUND') (input.variants as Array<Record<string, unknown>>)[0].promptVersionId = promptVersionId;
    const result = await gql(CREATE, { input });
    expect(codes(result)).toEqual([code]);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    expect((await gqlOk(`query($name: String!) { experiment(name: $name) { id } }`, { name: String(input.name) })).experiment).toBeNull();
    expect((await gqlOk(`query($id: ID!) { promptVersion(id: $id) { experiments { id } } }`, { id: promptVersionId })).promptVersion.experiments).toEqual([]);
  });

  it('answers CONFLICT for a taken name', async () => {
    const name = unique('taken');
    await create({ name, variants: two });
    const result = await gql(CREATE, { input: { name, variants: [{ key: 'X' }, { key: 'Y' }] } });
    expect(codes(result)).toEqual(['CONFLICT']);
    const { experiment } = await gqlOk(`query($name: String!) { experiment(name: $name) { variants { key } } }`, { name });
    expect(experiment.variants).toEqual([{ key: 'A' }, { key: 'B' }]);
  });

  it('rejects bad assignment requests: over 10 000 ids, an empty id, an unknown experiment', async () => {
    const name = unique('assign-limits');
    await createRunning({ name, variants: two });
    const tooMany = await gql(ASSIGN_BATCH, { experiment: name, unitIds: Array.from({ length: 10_001 }, (_, i) => `u${i}`) });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors?.[0].extensions?.field).toBe('unitIds');
    const empty = await gql(ASSIGN_BATCH, { experiment: name, unitIds: ['ok', ''] });
    expect(codes(empty)).toEqual(['BAD_USER_INPUT']);
    expect(empty.errors?.[0].extensions?.field).toBe('unitIds[1]');
    expect(codes(await gql(ASSIGN, { experiment: name, unitId: 'nul\u0000' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(ASSIGN, { experiment: unique('missing'), unitId: 'u' }))).toEqual(['NOT_FOUND']);
    expect(await exposures(name)).toEqual([
      { variant: 'A', count: 0, forced: 0 },
      { variant: 'B', count: 0, forced: 0 },
    ]);
  });

  it('asks for exactly one of id and name', async () => {
    expect(codes(await gql(`{ experiment { id } }`))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(`{ experiment(id: "00000000-0000-0000-0000-000000000000", name: "x") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('browsing', () => {
  it('pages experiments newest first, filtered by status and name prefix', async () => {
    const prefix = unique('browse');
    const ids: string[] = [];
    for (const suffix of ['a', 'b', 'c', 'd']) ids.push((await create({ name: `${prefix}/${suffix}`, variants: [{ key: 'A' }, { key: 'B' }] })).id);
    await gqlOk(START, { id: ids[1] });
    await gqlOk(START, { id: ids[3] });
    const PAGE = `query($prefix: String, $after: String, $status: ExperimentStatus) {
      experiments(first: 1, after: $after, namePrefix: $prefix, status: $status) { nodes { name } edges { cursor } pageInfo { hasNextPage endCursor } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { experiments }: { experiments: { nodes: Array<{ name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } = await gqlOk(PAGE, {
        prefix: `${prefix}/`,
        after,
      });
      names.push(...experiments.nodes.map((node) => node.name));
      if (!experiments.pageInfo.hasNextPage) break;
      after = experiments.pageInfo.endCursor;
    }
    expect(names).toEqual(['d', 'c', 'b', 'a'].map((s) => `${prefix}/${s}`));
    const running = await gqlOk(`query($prefix: String) { experiments(namePrefix: $prefix, status: RUNNING) { nodes { name status } } }`, { prefix: `${prefix}/` });
    expect(running.experiments.nodes).toEqual([
      { name: `${prefix}/d`, status: 'RUNNING' },
      { name: `${prefix}/b`, status: 'RUNNING' },
    ]);
  });

  it('returns model versions as entity references', async () => {
    const modelVersionId = '6f1c1e5e-3c9a-4a51-9d5b-0c8f8e2a7b10';
    const experiment = await create({ name: unique('model-variants'), variants: [{ key: 'small' }, { key: 'large', modelVersionId }] });
    expect(experiment.variants.map((v: { modelVersion: { id: string } | null }) => v.modelVersion)).toEqual([null, { id: modelVersionId }]);
  });
});
