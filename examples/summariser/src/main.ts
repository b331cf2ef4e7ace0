// A tiny summariser service on Flywheel, using only @flywheel/client: it
// serves the production prompt (or the candidate one, for users the A/B test
// puts in the candidate arm), calls a fake LLM, and logs each request and the
// user's rating. Run it against a stack:
//   FLYWHEEL_URL=http://localhost:4000/graphql FLYWHEEL_API_KEY=<ADMIN key> \
//     node tools/run-ts.mjs examples/summariser/src/main.ts --setup --users 200
import { Flywheel, type Assignment } from '@flywheel/client';

export interface SummariserOptions {
  url: string;
  /** Reads prompts and experiments (VIEWER); with `setup`, must be ADMIN (it moves the production label). */
  apiKey: string;
  /** The INGEST key for assignments, interactions and feedback; `apiKey` when absent. */
  ingestApiKey?: string;
  /** The prompt's name; its `production` label is the control, `candidate` the challenger. */
  prompt: string;
  /** The experiment's name. */
  experiment: string;
  /** How many users send one request each. */
  users: number;
  /** Register the two prompt versions and create and start the experiment first. */
  setup?: boolean;
}

export interface SummariserReport {
  experimentId: string;
  /** Requests served per variant ('none' when the experiment did not assign one). */
  requests: Record<string, number>;
  /** Sum of ratings per variant. */
  ratingSums: Record<string, number>;
  /** True when any request was served from a fallback prompt. */
  usedFallback: boolean;
}

const TEXTS = [
  'Flywheel versions prompts, runs A/B tests with honest statistics and turns feedback into datasets. It runs on Kubernetes.',
  'The gateway composes four subgraphs. Each one owns its tables and answers only signed requests.',
  'Ratings arrive after the response. The experiment compares the variants with Welch t tests and checks the sample ratio.',
];

/** A deterministic stand-in for an LLM: the first sentence of the text after the prompt's last line, and what it cost. */
export function fakeLlm(prompt: string): { output: string; latencyMs: number; costUsd: number; inputTokens: number; outputTokens: number } {
  const text = prompt.split('\n').at(-1) ?? '';
  const output = `${(text.split(/(?<=\.)\s/)[0] ?? text).trim()}`;
  const inputTokens = prompt.split(/\s+/).length;
  const outputTokens = output.split(/\s+/).length;
  return { output, latencyMs: 200 + 3 * inputTokens, costUsd: (inputTokens + 4 * outputTokens) * 1e-6, inputTokens, outputTokens };
}

/** A deterministic user: the candidate prompt pleases a little more. */
function userRating(userId: string, variant: string | undefined): number {
  let h = 0;
  for (const char of userId) h = (h * 31 + char.charCodeAt(0)) >>> 0;
  return variant === 'candidate' ? 4 + (h % 2) : 3 + (h % 2);
}

async function setUp(fw: Flywheel, options: SummariserOptions): Promise<void> {
  const production = await fw.prompts.register({ name: options.prompt, template: 'Summarize the following text:\n{text}', modelConfig: { model: 'fake-llm', temperature: 0 } });
  const candidate = await fw.prompts.register({ name: options.prompt, template: 'Write a 1-sentence summary of:\n{text}', modelConfig: { model: 'fake-llm', temperature: 0 } });
  await fw.prompts.setLabel(options.prompt, 'production', production.version.number);
  await fw.prompts.setLabel(options.prompt, 'candidate', candidate.version.number);
  const experiment = await fw.experiments.create({
    name: options.experiment,
    variants: [
      { key: 'production', promptVersionId: production.version.id, config: { label: 'production' } },
      { key: 'candidate', promptVersionId: candidate.version.id, config: { label: 'candidate' } },
    ],
  });
  await fw.experiments.start(experiment.id);
}

/** The label an assignment asks for (the variant's config), else production. */
function labelOf(assignment: Assignment | null): string {
  const config = assignment?.details?.config as { label?: unknown } | null | undefined;
  return typeof config?.label === 'string' ? config.label : 'production';
}

/**
 * Serves `users` requests: assign the user (locally), fetch the prompt the arm
 * uses (cached), render it, call the fake LLM, log the interaction and the
 * user's rating (queued), and flush before returning.
 */
export async function runSummariser(options: SummariserOptions): Promise<SummariserReport> {
  const fw = new Flywheel({ url: options.url, apiKey: options.apiKey, ingestApiKey: options.ingestApiKey });
  try {
    if (options.setup) await setUp(fw, options);
    const report: SummariserReport = { experimentId: '', requests: {}, ratingSums: {}, usedFallback: false };
    for (let i = 0; i < options.users; i++) {
      const userId = `user-${i}`;
      const requestId = `${options.experiment}:${userId}:${i}`;
      const assignment = await fw.experiments.assign(options.experiment, userId);
      const prompt = await fw.prompts.get(options.prompt, { label: labelOf(assignment), fallback: 'Summarize:\n{text}' });
      const text = prompt.render({ text: TEXTS[i % TEXTS.length] });
      const llm = fakeLlm(text);
      fw.interactions.log({
        requestId,
        unitId: userId,
        experimentId: assignment?.experimentId,
        variant: assignment?.variant,
        promptVersionId: prompt.version?.id,
        input: { text: TEXTS[i % TEXTS.length] },
        ...llm,
      });
      const rating = userRating(userId, assignment?.variant);
      fw.feedback.log({ requestId, experimentId: assignment?.experimentId, variant: assignment?.variant, rating, source: 'USER' });
      const arm = assignment?.variant ?? 'none';
      report.requests[arm] = (report.requests[arm] ?? 0) + 1;
      report.ratingSums[arm] = (report.ratingSums[arm] ?? 0) + rating;
      report.experimentId ||= assignment?.experimentId ?? '';
      report.usedFallback ||= prompt.isFallback;
    }
    return report;
  } finally {
    await fw.shutdown();
  }
}

async function main(): Promise<void> {
  const url = process.env.FLYWHEEL_URL ?? 'http://localhost:4000/graphql';
  const apiKey = process.env.FLYWHEEL_API_KEY;
  if (!apiKey) throw new Error('Set FLYWHEEL_API_KEY (an ADMIN key with --setup; else a VIEWER key, with FLYWHEEL_INGEST_API_KEY an INGEST key)');
  const argument = (name: string) => {
    const index = process.argv.indexOf(name);
    return index === -1 ? undefined : process.argv[index + 1];
  };
  const options: SummariserOptions = {
    url,
    apiKey,
    ingestApiKey: process.env.FLYWHEEL_INGEST_API_KEY,
    prompt: argument('--prompt') ?? 'summariser-example',
    experiment: argument('--experiment') ?? 'summariser-example-prompts',
    users: Number(argument('--users') ?? 200),
    setup: process.argv.includes('--setup'),
  };
  const report = await runSummariser(options);
  console.log(JSON.stringify(report, null, 2));
  const fw = new Flywheel({ url, apiKey });
  if (report.experimentId) console.log(JSON.stringify(await fw.experiments.results(report.experimentId), null, 2));
  await fw.shutdown();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
