// @flywheel/client against the real stack over HTTP: prompts served from the
// cache with TTL, stale-while-revalidate and fallback; local assignment equal
// to the server's for 10 000 units; batched, retried, idempotent ingestion with
// an INGEST key; typed errors.
import { Flywheel, FlywheelError, type FlywheelOptions } from '../src';
import { adminKey, countingFetch, createKey, FaultyProxy, gatewayUrl, gqlOk, unique } from './support';

const clients: Flywheel[] = [];
/** A client on the test stack with the ADMIN key unless told otherwise; shut down after the tests. */
function client(options: Partial<FlywheelOptions> = {}): Flywheel {
  const fw = new Flywheel({ url: gatewayUrl(), apiKey: adminKey(), onError: () => undefined, ...options });
  clients.push(fw);
  return fw;
}
afterAll(async () => {
  await Promise.all(clients.map((fw) => fw.shutdown()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('prompts', () => {
  it('serves the production version from the cache: one request, then none within the TTL', async () => {
    const admin = client();
    const name = unique('sdk-prompt');
    const v1 = await admin.prompts.register({ name, template: 'Summarize the following text:\n{text}', modelConfig: { model: 'gpt-4o-mini', systemPrompt: 'Be brief.' } });
    expect(v1.created).toBe(true);
    await admin.prompts.setLabel(name, 'production', v1.version.number);

    const counter = countingFetch();
    const fw = client({ apiKey: await createKey('VIEWER'), fetch: counter.fetch });
    const [a, b] = await Promise.all([fw.prompts.get(name), fw.prompts.get(name)]);
    expect(a).toBe(b);
    expect(counter.counts.get('PromptByLabel')).toBe(1);
    expect(a.version?.hash).toBe(v1.version.hash);
    expect(a.systemPrompt).toBe('Be brief.');
    expect(a.isFallback).toBe(false);
    for (let i = 0; i < 100; i++) await fw.prompts.get(name);
    expect(counter.total()).toBe(1);
  });

  it('renders locally exactly as the server renders (renderPrompt)', async () => {
    const admin = client();
    const name = unique('sdk-render');
    const template = 'Braces {{literal}} {text} and {n}, {flag}, {obj} — {text}\n';
    const { version } = await admin.prompts.register({ name, template });
    await admin.prompts.setLabel(name, 'production', version.number);
    const fw = client({ apiKey: await createKey('VIEWER') });
    for (const variables of [
      { text: 'plain', n: 3, flag: true, obj: { a: [1, 'x'] } },
      { text: 'ünïcødé ✓ {not a var}', n: -0.5, flag: null, obj: 'str', extra: 'ignored' },
    ]) {
      const server = await gqlOk<{ renderPrompt: { text: string } }>(
        `query ($name: String!, $variables: JSON!) { renderPrompt(name: $name, label: "production", variables: $variables) { text } }`,
        { name, variables },
      );
      expect((await fw.prompts.render(name, variables)).text).toBe(server.renderPrompt.text);
    }
    const missing = await fw.prompts.render(name, { text: 'x' }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(FlywheelError);
    expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables', extensions: { missingVariables: ['n', 'flag', 'obj'] } });
  });

  it('after the TTL serves the stale version at once and refreshes in the background', async () => {
    const admin = client();
    const name = unique('sdk-swr');
    const v1 = await admin.prompts.register({ name, template: 'v1 {text}' });
    const v2 = await admin.prompts.register({ name, template: 'v2 {text}' });
    await admin.prompts.setLabel(name, 'production', v1.version.number);
    let now = 1_000_000;
    const counter = countingFetch();
    const fw = client({ apiKey: await createKey('VIEWER'), fetch: counter.fetch, now: () => now, promptCacheTtlMs: 60_000 });
    expect((await fw.prompts.get(name)).template).toBe('v1 {text}');

    await admin.prompts.setLabel(name, 'production', v2.version.number);
    now += 59_999;
    expect((await fw.prompts.get(name)).template).toBe('v1 {text}');
    expect(counter.total()).toBe(1);

    now += 1;
    expect((await fw.prompts.get(name)).template).toBe('v1 {text}'); // stale, served at once
    await until(() => counter.total() === 2);
    const started = Date.now();
    while ((await fw.prompts.get(name)).template !== 'v2 {text}') {
      if (Date.now() - started > 10_000) throw new Error('the background refresh never landed');
      await sleep(10);
    }
    expect(counter.total()).toBe(2); // one refresh, however many gets while it ran
    // A per-call TTL overrides the client's.
    now += 10;
    await fw.prompts.get(name, { ttlMs: 5 });
    await until(() => counter.total() === 3);
  });

  it('falls back when Flywheel is unreachable, and keeps serving the last good version when a refresh fails', async () => {
    const admin = client();
    const name = unique('sdk-fallback');
    const { version } = await admin.prompts.register({ name, template: 'real {text}' });
    await admin.prompts.setLabel(name, 'production', version.number);

    const proxy = new FaultyProxy();
    await proxy.open();
    await proxy.close(); // the port is known and refuses connections now
    let now = 0;
    const errors: FlywheelError[] = [];
    const fw = client({ url: proxy.url, apiKey: await createKey('VIEWER'), now: () => now, onError: (error) => errors.push(error), timeoutMs: 2000 });

    const down = await fw.prompts.get(name).catch((error: unknown) => error);
    expect(down).toBeInstanceOf(FlywheelError);
    expect(down).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    const fallback = await fw.prompts.get(name, { fallback: 'fallback {text}' });
    expect(fallback).toMatchObject({ isFallback: true, version: null, template: 'fallback {text}' });
    expect(fallback.fallbackReason?.code).toBe('NETWORK_ERROR');
    expect(fallback.render({ text: 'x' })).toBe('fallback x');
    expect(fw.stats().prompts.fallbacks).toBe(1);

    await proxy.open();
    expect((await fw.prompts.get(name, { fallback: 'fallback {text}' })).template).toBe('real {text}');
    await proxy.close();
    now += 120_000;
    expect((await fw.prompts.get(name)).template).toBe('real {text}');
    await until(() => errors.length === 1);
    expect(errors[0].code).toBe('NETWORK_ERROR');
    expect((await fw.prompts.get(name)).template).toBe('real {text}');
  });

  it('an unknown prompt or label is NOT_FOUND (or the fallback); an INGEST key may not read prompts', async () => {
    const fw = client({ apiKey: await createKey('VIEWER') });
    await expect(fw.prompts.get(unique('sdk-none'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await fw.prompts.get(unique('sdk-none'), { fallback: { template: 'f', systemPrompt: 's' } })).systemPrompt).toBe('s');
    const ingestOnly = client({ apiKey: await createKey('INGEST') });
    await expect(ingestOnly.prompts.get('anything')).rejects.toMatchObject({ name: 'FlywheelError', code: 'FORBIDDEN' });
  });
});

describe('typed errors', () => {
  it('carries extensions.code and the field at fault', async () => {
    const fw = client();
    const error = (await fw.prompts.register({ name: 'bad name!', template: 'x' }).catch((e: unknown) => e)) as FlywheelError;
    expect(error).toBeInstanceOf(FlywheelError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('name');
    expect(error.retryable).toBe(false);
    expect(error.operation).toBe('RegisterPrompt');
    const noKey = client({ apiKey: 'fw_not_a_key' });
    await expect(noKey.prompts.get('x')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('experiments', () => {
  async function runningExperiment(fw: Flywheel, input: Parameters<Flywheel['experiments']['create']>[0]) {
    const created = await fw.experiments.create(input);
    return fw.experiments.start(created.id);
  }

  async function serverAssign(experiment: string, unitIds: string[]) {
    const data = await gqlOk<{ assignBatch: Array<{ unitId: string; variant: string; bucket: number; forced: boolean } | null> }>(
      `mutation ($experiment: String!, $unitIds: [String!]!) { assignBatch(experiment: $experiment, unitIds: $unitIds) { unitId variant bucket forced } }`,
      { experiment, unitIds },
    );
    return data.assignBatch;
  }

  it('assigns 10 000 units locally exactly as the server does (weights, allocation, layer, forced), without a request per call', async () => {
    const admin = client();
    const name = unique('sdk-exp');
    const experiment = await runningExperiment(admin, {
      name,
      variants: [
        { key: 'control', weight: 5 },
        { key: 'b', weight: 3 },
        { key: 'c', weight: 2 },
      ],
      trafficAllocation: 0.8,
      layer: { name: unique('layer'), start: 0.1, end: 0.9 },
    });
    const unitIds = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? `ünï-${i}-✓` : `user_${i}`));
    // A forced unit inside and one outside the allocation/layer: the server forces both.
    const forcedUnits = [unitIds[1], unitIds[2], unitIds[3]];
    for (const unitId of forcedUnits) {
      await gqlOk(`mutation ($id: ID!, $unit: String!) { forceVariant(experimentId: $id, unitId: $unit, variant: "c") { unitId } }`, { id: experiment.id, unit: unitId });
    }
    const server = await serverAssign(name, unitIds);

    const counter = countingFetch();
    const fw = client({ apiKey: await createKey('VIEWER'), ingestApiKey: await createKey('INGEST'), fetch: counter.fetch, recordExposures: false });
    const local = [];
    for (const unitId of unitIds) local.push(await fw.experiments.assign(name, unitId));
    expect(counter.total()).toBe(1); // the definition, once

    const strip = (a: { unitId: string; variant: string; bucket: number; forced: boolean } | null) => a && { unitId: a.unitId, variant: a.variant, bucket: a.bucket, forced: a.forced };
    let mismatches = 0;
    for (let i = 0; i < unitIds.length; i++) if (JSON.stringify(strip(local[i])) !== JSON.stringify(server[i])) mismatches++;
    expect(mismatches).toBe(0);
    expect(local.map(strip)).toEqual(server);
    // The comparison is not vacuous: every arm, nulls (allocation and layer) and forced units occur.
    const variants = new Set(server.map((a) => a?.variant ?? 'null'));
    expect([...variants].sort()).toEqual(['b', 'c', 'control', 'null']);
    expect(server.filter((a) => a?.forced).length).toBe(3);
    expect(local[1]).toMatchObject({ experimentId: experiment.id, details: { key: 'c' } });

    // By id too, as the server's assign accepts.
    expect(strip(await fw.experiments.assign(experiment.id, unitIds[5]))).toEqual(server[5]);
  });

  it('follows the status rules: paused gives null, completed with a winner rolls it out with the usual bucket', async () => {
    const admin = client();
    const name = unique('sdk-life');
    const experiment = await runningExperiment(admin, { name, variants: [{ key: 'A' }, { key: 'B' }] });
    const fw = client({ apiKey: await createKey('VIEWER'), ingestApiKey: await createKey('INGEST') });
    const unitIds = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const compare = async () => {
      fw.experiments.invalidate(name);
      const local = [];
      for (const unitId of unitIds) local.push(await fw.experiments.assign(name, unitId));
      const server = await serverAssign(name, unitIds);
      expect(local.map((a) => a && { unitId: a.unitId, variant: a.variant, bucket: a.bucket, forced: a.forced })).toEqual(server);
      return server;
    };
    expect((await compare()).every((a) => a !== null)).toBe(true);
    await admin.experiments.pause(experiment.id);
    expect((await compare()).every((a) => a === null)).toBe(true);
    await admin.experiments.complete(experiment.id, 'B');
    expect((await compare()).every((a) => a?.variant === 'B')).toBe(true);

    await expect(fw.experiments.assign(unique('sdk-missing'), 'u1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(fw.experiments.assign(name, '')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitId' });
  });

  it('queues exposures and records them in batches through assignBatch with an INGEST key', async () => {
    const admin = client();
    const name = unique('sdk-expose');
    const experiment = await runningExperiment(admin, { name, variants: [{ key: 'A' }, { key: 'B' }] });
    const counter = countingFetch();
    const fw = client({ apiKey: await createKey('VIEWER'), ingestApiKey: await createKey('INGEST'), fetch: counter.fetch, batchSize: 1000, flushIntervalMs: 60_000 });
    const assigned = new Map<string, number>();
    for (let i = 0; i < 2500; i++) {
      const unit = `user-${i % 2000}`; // 500 repeats: exposed once
      const variant = (await fw.experiments.assign(name, unit))?.variant ?? 'none';
      assigned.set(variant, (assigned.get(variant) ?? 0) + (i < 2000 ? 1 : 0));
    }
    await fw.flush();
    expect(counter.counts.get('AssignBatch')).toBeGreaterThanOrEqual(2);
    expect(fw.stats()).toMatchObject({ queued: 0, failed: 0, dropped: 0, sent: { exposures: 2000 } });
    const data = await gqlOk<{ experiment: { exposures: Array<{ variant: string; count: number }> } }>(`query ($id: ID!) { experiment(id: $id) { exposures { variant count } } }`, {
      id: experiment.id,
    });
    expect(Object.fromEntries(data.experiment.exposures.map((e) => [e.variant, e.count]))).toEqual(Object.fromEntries(assigned));
  });

  it('with only an INGEST key (which may not read experiments) assigns on the server, with the same answer', async () => {
    const admin = client();
    const name = unique('sdk-remote');
    await runningExperiment(admin, { name, variants: [{ key: 'A', weight: 1 }, { key: 'B', weight: 3 }], trafficAllocation: 0.5 });
    const ingestOnly = client({ apiKey: await createKey('INGEST') });
    const viewer = client({ apiKey: await createKey('VIEWER'), recordExposures: false });
    for (let i = 0; i < 50; i++) {
      const remote = await ingestOnly.experiments.assign(name, `r${i}`);
      const local = await viewer.experiments.assign(name, `r${i}`);
      expect(remote).toEqual(local);
    }
    expect(ingestOnly.stats().experiments.remote).toBe(50);
    expect(viewer.stats().experiments.local).toBe(50);
  });
});

describe('feedback and interactions', () => {
  async function experimentWithVariants(admin: Flywheel) {
    const created = await admin.experiments.create({ name: unique('sdk-fb'), variants: [{ key: 'A' }, { key: 'B' }] });
    return admin.experiments.start(created.id);
  }

  async function summary(experimentId: string) {
    const data = await gqlOk<{ feedbackSummary: Array<{ variant: string; n: number; mean: number | null }> }>(
      `query ($id: ID!) { feedbackSummary(experimentId: $id, metric: RATING) { variant n mean } }`,
      { id: experimentId },
    );
    return Object.fromEntries(data.feedbackSummary.map((row) => [row.variant, row]));
  }

  it('sends feedback in batches of up to batchSize with an INGEST key, and interactions one call each', async () => {
    const experiment = await experimentWithVariants(client());
    const counter = countingFetch();
    const fw = client({ apiKey: await createKey('INGEST'), fetch: counter.fetch, batchSize: 1000, flushIntervalMs: 60_000 });
    const runId = unique('req');
    for (let i = 0; i < 2500; i++) {
      expect(fw.feedback.log({ requestId: `${runId}-${i}`, experimentId: experiment.id, variant: i % 2 ? 'B' : 'A', rating: i % 2 ? 5 : 3 })).toBe(true);
    }
    for (let i = 0; i < 20; i++) {
      fw.interactions.log({ requestId: `${runId}-${i}`, experimentId: experiment.id, variant: i % 2 ? 'B' : 'A', input: { text: `t${i}` }, output: `o${i}`, latencyMs: 100 + i });
    }
    await fw.flush();
    expect(counter.counts.get('LogFeedbackBatch')).toBe(3);
    expect(counter.counts.get('LogInteraction')).toBe(20);
    expect(fw.stats()).toMatchObject({ queued: 0, inFlight: 0, failed: 0, rejected: 0, duplicates: 0, sent: { feedback: 2500, interactions: 20 } });
    expect(await summary(experiment.id)).toMatchObject({ A: { n: 1250, mean: 3 }, B: { n: 1250, mean: 5 } });
    const stored = await gqlOk<{ interaction: { output: string; feedback: Array<{ rating: number }> } }>(
      `query ($r: String!) { interaction(requestId: $r) { output feedback { rating } } }`,
      { r: `${runId}-7` },
    );
    expect(stored.interaction).toEqual({ output: 'o7', feedback: [{ rating: 5 }] });
  });

  it('flushes on its own every flushIntervalMs', async () => {
    const experiment = await experimentWithVariants(client());
    const fw = client({ apiKey: await createKey('INGEST'), flushIntervalMs: 200 });
    fw.feedback.log({ requestId: unique('timer'), experimentId: experiment.id, variant: 'A', rating: 4 });
    await until(() => fw.stats().sent.feedback === 1, 5000);
    expect((await summary(experiment.id)).A.n).toBe(1);
  });

  it('retries through an outage and when answers are lost, and idempotency keys keep every item counted once', async () => {
    const experiment = await experimentWithVariants(client());
    const proxy = new FaultyProxy();
    await proxy.open();
    const fw = client({ url: proxy.url, apiKey: await createKey('INGEST'), flushIntervalMs: 60_000, retryBaseDelayMs: 100, retryMaxDelayMs: 400, maxRetries: 20 });

    // 1. The answer is lost after the server stored the batch: the retry is a duplicate, not a second count.
    for (let i = 0; i < 300; i++) fw.feedback.log({ requestId: unique('lost'), experimentId: experiment.id, variant: 'A', rating: 4 });
    proxy.dropResponses(1);
    await fw.flush();
    expect(fw.stats()).toMatchObject({ failed: 0, duplicates: 300, sent: { feedback: 300 } });
    expect(fw.stats().retries).toBeGreaterThanOrEqual(1);

    // 2. Flywheel unreachable for a while: the flush retries with backoff until it is back.
    await proxy.close();
    for (let i = 0; i < 200; i++) fw.feedback.log({ requestId: unique('outage'), experimentId: experiment.id, variant: 'B', rating: 2 });
    const flushed = fw.flush();
    await sleep(700);
    await proxy.open();
    await flushed;
    await proxy.close();
    expect(fw.stats()).toMatchObject({ failed: 0, queued: 0, sent: { feedback: 500 } });
    expect(await summary(experiment.id)).toMatchObject({ A: { n: 300, mean: 4 }, B: { n: 200, mean: 2 } });
  });

  it('reports rejected items and items it gave up on, without throwing', async () => {
    const experiment = await experimentWithVariants(client());
    const errors: FlywheelError[] = [];
    const fw = client({ apiKey: await createKey('INGEST'), flushIntervalMs: 60_000, onError: (error) => errors.push(error) });
    fw.feedback.log({ requestId: unique('ok'), experimentId: experiment.id, variant: 'A', rating: 5 });
    fw.feedback.log({ requestId: unique('bad'), experimentId: experiment.id, variant: 'A', rating: 9 });
    fw.feedback.log({ requestId: unique('bad'), experimentId: experiment.id, variant: 'nope', rating: 1 });
    await fw.flush();
    expect(fw.stats()).toMatchObject({ rejected: 2, sent: { feedback: 1 } });
    expect(errors.map((error) => error.code).sort()).toEqual(['RATING_OUT_OF_RANGE', 'UNKNOWN_VARIANT']);

    const revoked = client({ apiKey: 'fw_revoked_or_wrong', flushIntervalMs: 60_000, onError: (error) => errors.push(error) });
    revoked.interactions.log({ requestId: unique('nokey') });
    await revoked.flush();
    expect(revoked.stats()).toMatchObject({ failed: 1, retries: 0 });
    expect(errors.at(-1)?.code).toBe('UNAUTHENTICATED');
  });

  it('bounds the queue: beyond maxQueueSize the newest items are dropped and counted; after shutdown too', async () => {
    const fw = client({ apiKey: await createKey('INGEST'), maxQueueSize: 10, batchSize: 1000, flushIntervalMs: 60_000 });
    const accepted = Array.from({ length: 15 }, (_, i) => fw.interactions.log({ requestId: unique(`bound-${i}`) }));
    expect(accepted).toEqual([...Array(10).fill(true), ...Array(5).fill(false)]);
    expect(fw.stats()).toMatchObject({ queued: 10, dropped: 5 });
    await fw.shutdown();
    expect(fw.stats()).toMatchObject({ queued: 0, dropped: 5, sent: { interactions: 10 } });
    expect(fw.feedback.log({ requestId: 'late', rating: 1 })).toBe(false);
    expect(fw.stats().dropped).toBe(6);
  });
});
