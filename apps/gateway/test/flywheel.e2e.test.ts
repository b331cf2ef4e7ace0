// The data flywheel end to end, through the gateway over HTTP, against the
// stack that `npm start` runs, on a real PostgreSQL: production interactions
// and feedback -> a dataset version -> corrected outputs -> a chat JSONL for
// fine-tuning -> a model version trained on it -> lineage back to the
// interactions. Run alone with FLYWHEEL_TEST_SUBGRAPHS=prompt,experiment,feedback,model-registry.
import { codes, gql, gqlOk, unique } from './client';

const DATASET_FIELDS = `id version hash itemCount filter dataset { name } parent { id }
  items(limit: 1000) { id key expectedOutput output requestId feedback { n meanRating } }`;

interface Message {
  role: string;
  content: string;
}

/** Checks every line the way a fine-tuning API does: one JSON object, exactly `messages`, roles in order, non-empty content. */
function validateChatJsonl(jsonl: string): Message[][] {
  expect(jsonl.endsWith('\n')).toBe(true);
  return jsonl
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const value = JSON.parse(line);
      expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
      expect(Object.keys(value)).toEqual(['messages']);
      const messages = value.messages as Message[];
      for (const message of messages) {
        expect(Object.keys(message).sort()).toEqual(['content', 'role']);
        expect(typeof message.content).toBe('string');
        expect(message.content.trim().length).toBeGreaterThan(0);
      }
      const roles = messages.map((message) => message.role);
      const turns = roles[0] === 'system' ? roles.slice(1) : roles;
      expect(turns.length).toBeGreaterThanOrEqual(2);
      expect(turns.length % 2).toBe(0);
      turns.forEach((role, i) => expect(role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
      return messages;
    });
}

describe('the data flywheel through the gateway', () => {
  it('goes from last week’s low-rated feedback to a model version trained on it, and back to the interactions', async () => {
    // Production: a prompt, an A/B experiment on it, interactions and their feedback.
    const promptName = unique('fw-prompt');
    const { registerPrompt } = await gqlOk(
      `mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { version { id hash } } }`,
      {
        input: {
          name: promptName,
          template: 'Summarize: {text}',
          modelConfig: { model: 'gpt-4o-mini', systemPrompt: 'You are concise.', fewShot: [{ input: 'Summarize: cats', output: 'Cats nap.' }] },
        },
      },
    );
    const promptVersion = registerPrompt.version as { id: string; hash: string };
    const { createExperiment } = await gqlOk(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: {
        name: unique('fw-exp'),
        variants: [
          { key: 'A', promptVersionId: promptVersion.id },
          { key: 'B', promptVersionId: promptVersion.id },
        ],
      },
    });
    const experimentId = createExperiment.id as string;
    await gqlOk(`mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id: experimentId });
    const ratings = [1, 2, 5, 1, 4, 2];
    const requestIds = ratings.map(() => unique('fw-req'));
    for (const [i, requestId] of requestIds.entries()) {
      await gqlOk(`mutation($input: LogInteractionInput!) { logInteraction(input: $input) { id } }`, {
        input: { requestId, experimentId, variant: i % 2 ? 'B' : 'A', promptVersionId: promptVersion.id, input: { text: `report ${i}` }, output: `summary ${i}` },
      });
    }
    const { logFeedbackBatch } = await gqlOk(`mutation($inputs: [LogFeedbackInput!]!) { logFeedbackBatch(inputs: $inputs) { accepted rejected { index } } }`, {
      inputs: requestIds.map((requestId, i) => ({ requestId, experimentId, variant: i % 2 ? 'B' : 'A', rating: ratings[i], feedbackText: ratings[i] <= 2 ? 'not good' : null })),
    });
    expect(logFeedbackBatch).toEqual({ accepted: 6, rejected: [] });
    const lowRated = requestIds.filter((_, i) => ratings[i] <= 2);

    // 1. Last week's low-rated feedback of the experiment becomes a dataset version.
    const name = unique('fw-dataset');
    const since = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString();
    const { createDataset: v1 } = await gqlOk(`mutation($input: CreateDatasetInput!) { createDataset(input: $input) { ${DATASET_FIELDS} } }`, {
      input: { name, description: 'low-rated summaries', filter: { experimentId, maxRating: 2, since } },
    });
    expect(v1).toMatchObject({ version: 1, itemCount: 4, filter: { experimentId, maxRating: 2, since }, dataset: { name }, parent: null });
    expect(v1.items.map((item: { requestId: string }) => item.requestId)).toEqual(lowRated);
    expect(v1.items.every((item: { feedback: { meanRating: number } }) => item.feedback.meanRating <= 2)).toBe(true);

    // 2. Correct two outputs: each correction is a new version; the second edits the new version's copy, found by key.
    const { setDatasetItemExpectedOutput: v2 } = await gqlOk(
      `mutation($itemId: ID!, $text: String!) { setDatasetItemExpectedOutput(itemId: $itemId, expectedOutput: $text) { ${DATASET_FIELDS} } }`,
      { itemId: v1.items[0].id, text: 'Report 0, in one sentence.' },
    );
    const copy = v2.items.find((item: { key: string }) => item.key === v1.items[2].key);
    const { setDatasetItemExpectedOutput: v3 } = await gqlOk(
      `mutation($itemId: ID!, $text: String!) { setDatasetItemExpectedOutput(itemId: $itemId, expectedOutput: $text) { ${DATASET_FIELDS} } }`,
      { itemId: copy.id, text: 'Report 3, in one sentence.' },
    );
    expect(v3).toMatchObject({ version: 3, itemCount: 4, parent: { id: v2.id } });
    expect(v3.items.map((item: { expectedOutput: string | null }) => item.expectedOutput)).toEqual(['Report 0, in one sentence.', null, 'Report 3, in one sentence.', null]);
    const { datasetVersion: v1Again } = await gqlOk(`query($id: ID!) { datasetVersion(id: $id) { ${DATASET_FIELDS} } }`, { id: v1.id });
    expect(v1Again).toEqual(v1); // the old version is unchanged
    expect(new Set([v1.hash, v2.hash, v3.hash]).size).toBe(3);

    // 3. Export it as chat JSONL that a fine-tuning API accepts, validated line by line.
    const { exportDataset } = await gqlOk(`query($id: ID!) { exportDataset(id: $id, format: OPENAI_CHAT_JSONL) }`, { id: v3.id });
    const conversations = validateChatJsonl(exportDataset);
    expect(conversations).toHaveLength(4);
    expect(conversations[0]).toEqual([
      { role: 'system', content: 'You are concise.' },
      { role: 'user', content: 'Summarize: cats' },
      { role: 'assistant', content: 'Cats nap.' },
      { role: 'user', content: 'Summarize: report 0' },
      { role: 'assistant', content: 'Report 0, in one sentence.' },
    ]);
    expect(conversations[1][4]).toEqual({ role: 'assistant', content: 'summary 1' });

    // 4. Register a model version trained on it.
    const modelName = unique('fw-model');
    await gqlOk(`mutation($name: String!) { createRegisteredModel(name: $name) { name } }`, { name: modelName });
    const { createModelVersion } = await gqlOk(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { id version datasetVersionId } }`, {
      input: { modelName, source: 'openai:ft:gpt-4o-mini:flywheel', datasetVersionId: v3.id },
    });
    expect(createModelVersion).toMatchObject({ version: 1, datasetVersionId: v3.id });

    // 5. The lineage from that model version back to the interactions, in one query, and the dataset's models.
    const { modelVersion } = await gqlOk(
      `query($id: ID!) { modelVersion(id: $id) { version model { name } trainedOn {
        id version hash dataset { name } models { id version }
        items { key expectedOutput interaction { id requestId input output experiment { id } feedback { rating } } promptVersion { id } }
        downloadUrl(format: OPENAI_CHAT_JSONL)
      } } }`,
      { id: createModelVersion.id },
    );
    expect(modelVersion.trainedOn).toMatchObject({ id: v3.id, version: 3, hash: v3.hash, dataset: { name }, models: [{ id: createModelVersion.id, version: 1 }] });
    const interactions = modelVersion.trainedOn.items.map((item: { key: string; interaction: { id: string; requestId: string; input: unknown; output: string } }) => {
      expect(item.interaction.id).toBe(item.key);
      return item.interaction;
    });
    expect(interactions.map((interaction: { requestId: string }) => interaction.requestId)).toEqual(lowRated);
    expect(interactions[0]).toMatchObject({ input: { text: 'report 0' }, output: 'summary 0', experiment: { id: experimentId }, feedback: [{ rating: 1 }] });
    expect(modelVersion.trainedOn.items[0].promptVersion).toEqual({ id: promptVersion.id });

    // ... and through the download URL: a plain GET, no API key, the same JSONL.
    const url = modelVersion.trainedOn.downloadUrl as string;
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(exportDataset);
    const unsigned = new URL(url);
    unsigned.searchParams.delete('token');
    const refused = await fetch(unsigned);
    expect(refused.status).toBe(401);
    await refused.body?.cancel();

    // A run evaluated on the dataset version, for metrics comparable across models.
    const { createRun } = await gqlOk(`mutation($input: CreateRunInput!) { createRun(input: $input) { id dataset { version dataset { name } } } }`, {
      input: { project: unique('fw-eval'), datasetVersionId: v3.id },
    });
    expect(createRun.dataset).toEqual({ version: 3, dataset: { name } });
    const { datasetVersion } = await gqlOk(`query($id: ID!) { datasetVersion(id: $id) { runs { id } models { version model { name } } } }`, { id: v3.id });
    expect(datasetVersion).toEqual({ runs: [{ id: createRun.id }], models: [{ version: 1, model: { name: modelName } }] });
  });

  it('refuses lineage to dataset versions that do not exist, and applies the roles', async () => {
    const modelName = unique('fw-model');
    await gqlOk(`mutation($name: String!) { createRegisteredModel(name: $name) { name } }`, { name: modelName });
    const missing = await gql(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { id } }`, {
      input: { modelName, source: 's', datasetVersionId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect(missing.errors?.[0].extensions?.field).toBe('datasetVersionId');
    const run = await gql(`mutation { createRun(input: { project: "fw-missing", datasetVersionId: "00000000-0000-4000-8000-000000000000" }) { id } }`);
    expect(codes(run)).toEqual(['NOT_FOUND']);

    const { createApiKey } = await gqlOk(`mutation($name: String!) { createApiKey(name: $name, role: VIEWER) { secret } }`, { name: unique('fw-viewer') });
    const asViewer = { apiKey: createApiKey.secret as string };
    const create = `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`;
    const input = { name: unique('fw-roles'), filter: { until: '2000-01-01T00:00:00Z' } };
    expect(codes(await gql(create, { input }, asViewer))).toEqual(['FORBIDDEN']);
    const { createDataset } = await gqlOk(create, { input });
    const exported = await gql(`query($id: ID!) { exportDataset(id: $id, format: PROMPT_COMPLETION_JSONL) }`, { id: createDataset.id }, asViewer);
    expect(exported.errors).toBeUndefined();
    expect(exported.data?.exportDataset).toBe('');
  });
});
