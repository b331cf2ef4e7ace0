// The registry and run wrappers of @flywheel/client against the real stack
// (needs the model-registry subgraph): the seed's MLflow snippet, model
// versions and aliases, each checked through the gateway.
import { Flywheel } from '../src';
import { adminKey, createKey, gatewayUrl, gqlOk, unique } from './support';

describe('runs and models', () => {
  it("logs the seed's MLflow run: params, metrics, the template artifact, and ends it", async () => {
    const fw = new Flywheel({ url: gatewayUrl(), apiKey: await createKey('EDITOR') });
    const run = await fw.runs.create({ project: unique('summarizer-prompts'), name: 'prompt_v2.1_test' });
    expect(run.status).toBe('RUNNING');
    await fw.runs.logParam(run.id, 'prompt_version', 'v2.1');
    await fw.runs.logParam(run.id, 'model', 'gpt-4o-mini');
    await fw.runs.logParam(run.id, 'temperature', '0.7');
    await fw.runs.logMetrics(run.id, { mean_rating: 4.2, hallucination_rate: 0.03, p50_latency_ms: 820 });
    const point = await fw.runs.logMetric(run.id, 'cost_per_request', 0.0023, { step: 1 });
    expect(point).toMatchObject({ key: 'cost_per_request', value: 0.0023, step: 1 });
    await fw.runs.logBatch(run.id, { tags: { team: 'search' } });
    expect(await fw.runs.logText(run.id, 'prompt_template.txt', 'Write a 2-sentence summary of:\n{text}')).toEqual({ path: 'prompt_template.txt', size: 37 });
    const ended = await fw.runs.end(run.id);
    expect(ended.status).toBe('FINISHED');
    await expect(fw.runs.logParam(run.id, 'late', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });

    const data = await gqlOk<{ run: { params: Array<{ key: string; value: string }>; metrics: Array<{ key: string; value: number }>; artifact: { text: string } } }>(
      `query ($id: ID!) { run(id: $id) { params { key value } metrics { key value } artifact(path: "prompt_template.txt") { text } } }`,
      { id: run.id },
    );
    expect(Object.fromEntries(data.run.params.map((p) => [p.key, p.value]))).toEqual({ prompt_version: 'v2.1', model: 'gpt-4o-mini', temperature: '0.7' });
    expect(Object.fromEntries(data.run.metrics.map((m) => [m.key, m.value]))).toEqual({ mean_rating: 4.2, hallucination_rate: 0.03, p50_latency_ms: 820, cost_per_request: 0.0023 });
    expect(data.run.artifact.text).toBe('Write a 2-sentence summary of:\n{text}');
    await fw.shutdown();
  });

  it('creates model versions and moves aliases (champion needs ADMIN)', async () => {
    const editor = new Flywheel({ url: gatewayUrl(), apiKey: await createKey('EDITOR') });
    const admin = new Flywheel({ url: gatewayUrl(), apiKey: adminKey() });
    const name = unique('summarizer-llm');
    await editor.models.create(name, { description: 'Summaries', tags: [{ key: 'team', value: 'search' }] });
    const v1 = await editor.models.createVersion({ modelName: name, source: 'openai:gpt-4o-mini-2024-07-18', provider: 'openai', parameters: { temperature: 0.7 } });
    const v2 = await editor.models.createVersion({ modelName: name, source: 'openai:gpt-4o-2024-08-06', provider: 'openai' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect((await editor.models.setAlias(name, 'challenger', 2)).aliases).toEqual(['challenger']);
    await expect(editor.models.setAlias(name, 'champion', 1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await admin.models.setAlias(name, 'champion', 1)).aliases).toEqual(['champion']);
    const data = await gqlOk<{ modelVersion: { version: number } }>(`query ($n: String!) { modelVersion(modelName: $n, alias: "champion") { version } }`, { n: name });
    expect(data.modelVersion.version).toBe(1);
    await Promise.all([editor.shutdown(), admin.shutdown()]);
  });
});
