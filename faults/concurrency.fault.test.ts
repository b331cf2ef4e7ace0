// 50 clients at once through the gateway, each registering a version of one
// prompt, moving one label to it, and creating a version of one model: numbers
// are gap-free 1..50, exactly one version holds the label, and the label's
// history has all 50 moves, each starting where the previous one ended.
import { report, type FaultStack, startFaultStack } from './support/fault-stack';

const CLIENTS = 50;
const REGISTER = `mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { created version { id number } } }`;
const SET_LABEL = `mutation($name: String!, $label: String!, $number: Int!) { setPromptLabel(name: $name, label: $label, number: $number) { number labels } }`;
const CREATE_MODEL = `mutation($name: String!) { createRegisteredModel(name: $name) { name } }`;
const CREATE_VERSION = `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { id version } }`;
const PROMPT_STATE = `query($name: String!, $label: String!) {
  prompt(name: $name) {
    versionCount
    labels { name version { number } }
    labelHistory(label: $label, first: 60) { label from { number } to { number } movedAt }
    versions(first: 60) { totalCount nodes { number } }
  }
}`;
const MODEL_STATE = `query($name: String!) { registeredModel(name: $name) { versionCount versions { version } } }`;

describe('50 concurrent clients on one prompt, one label and one model', () => {
  let fault: FaultStack;

  beforeAll(async () => {
    fault = await startFaultStack(['prompt', 'model-registry']);
  });
  afterAll(async () => {
    await fault?.stop();
  });

  it('numbers versions gap-free, keeps one label holder and a complete, chained history', async () => {
    const promptName = `race-${Date.now().toString(36)}`;
    const modelName = `race-model-${Date.now().toString(36)}`;
    const label = 'staging';
    await fault.gqlOk(CREATE_MODEL, { name: modelName });

    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const [registered, modelVersion] = await Promise.all([
          fault.gqlOk(REGISTER, { input: { name: promptName, template: `client ${i} says {text}` } }),
          fault.gqlOk(CREATE_VERSION, { input: { modelName, source: `s3://models/${modelName}/client-${i}` } }),
        ]);
        const number = registered.registerPrompt.version.number as number;
        const moved = await fault.gqlOk(SET_LABEL, { name: promptName, label, number });
        expect(moved.setPromptLabel.number).toBe(number);
        return { created: registered.registerPrompt.created as boolean, number, modelVersion: modelVersion.createModelVersion.version as number };
      }),
    );
    const elapsedMs = Date.now() - started;
    const oneToN = Array.from({ length: CLIENTS }, (_, i) => i + 1);

    // Prompt versions: 1..50, each client got its own.
    expect(results.every((result) => result.created)).toBe(true);
    expect(results.map((result) => result.number).sort((a, b) => a - b)).toEqual(oneToN);
    const { prompt } = await fault.gqlOk(PROMPT_STATE, { name: promptName, label });
    expect(prompt.versionCount).toBe(CLIENTS);
    expect(prompt.versions.totalCount).toBe(CLIENTS);
    expect(prompt.versions.nodes.map((node: { number: number }) => node.number).sort((a: number, b: number) => a - b)).toEqual(oneToN);

    // Exactly one holder of the label, in the API and in the table.
    const holders = prompt.labels.filter((entry: { name: string }) => entry.name === label);
    expect(holders).toHaveLength(1);
    const { rows: labelRows } = await fault.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM prompt_label l JOIN prompt p ON p.id = l.prompt_id WHERE p.name = $1 AND l.label = $2`,
      [promptName, label],
    );
    expect(labelRows[0].n).toBe(1);

    // The history (newest first) holds all 50 moves, chained: each move starts where the previous ended.
    const history = [...(prompt.labelHistory as Array<{ from: { number: number } | null; to: { number: number } }>)].reverse();
    expect(history).toHaveLength(CLIENTS);
    expect(history[0].from).toBeNull();
    for (let i = 1; i < history.length; i += 1) expect(history[i].from?.number).toBe(history[i - 1].to.number);
    expect(history[history.length - 1].to.number).toBe(holders[0].version.number);
    expect(history.map((move) => move.to.number).sort((a, b) => a - b)).toEqual(oneToN);

    // Model versions: 1..50.
    expect(results.map((result) => result.modelVersion).sort((a, b) => a - b)).toEqual(oneToN);
    const { registeredModel } = await fault.gqlOk(MODEL_STATE, { name: modelName });
    expect(registeredModel.versionCount).toBe(CLIENTS);
    expect(registeredModel.versions.map((entry: { version: number }) => entry.version).sort((a: number, b: number) => a - b)).toEqual(oneToN);

    report('concurrency', {
      clients: CLIENTS,
      requests: CLIENTS * 3,
      elapsedMs,
      promptNumbers: `1..${CLIENTS} gap-free`,
      labelHolders: holders.length,
      labelHolder: holders[0].version.number,
      historyMoves: history.length,
      historyChained: true,
      modelVersions: `1..${CLIENTS} gap-free`,
    });
  });
});
