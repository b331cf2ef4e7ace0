// The example service (examples/summariser) against the test stack: it uses only
// @flywheel/client with a VIEWER key for reads and an INGEST key for the hot
// path, and its ratings must show up in the experiment's results through the
// gateway (needs the feedback subgraph).
// The example is not a library (it is what a product would write), so it is imported by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { runSummariser } from '../../../examples/summariser/src/main';
import { createKey, adminKey, gatewayUrl, gqlOk, unique } from './support';

describe('examples/summariser', () => {
  it('serves the production and candidate prompts to assigned users, and its feedback appears in the experiment results', async () => {
    const prompt = unique('summariser');
    const experiment = unique('summariser-exp');
    // Set up once with ADMIN (production is a protected label), then serve with the narrow keys.
    await runSummariser({ url: gatewayUrl(), apiKey: adminKey(), prompt, experiment, users: 0, setup: true });
    const report = await runSummariser({
      url: gatewayUrl(),
      apiKey: await createKey('VIEWER'),
      ingestApiKey: await createKey('INGEST'),
      prompt,
      experiment,
      users: 300,
    });
    expect(report.usedFallback).toBe(false);
    expect(Object.keys(report.requests).sort()).toEqual(['candidate', 'production']);
    expect(report.requests.candidate + report.requests.production).toBe(300);

    const data = await gqlOk<{
      experiment: {
        exposures: Array<{ variant: string; count: number }>;
        results: { variants: Array<{ variant: string; n: number; mean: number }>; comparisons: Array<{ variant: string; difference: number; significant: boolean }> };
      };
    }>(
      `query ($id: ID!) { experiment(id: $id) {
         exposures { variant count }
         results(metric: RATING) { variants { variant n mean } comparisons { variant difference significant } }
       } }`,
      { id: report.experimentId },
    );
    const results = Object.fromEntries(data.experiment.results.variants.map((row) => [row.variant, row]));
    for (const variant of ['production', 'candidate']) {
      expect(results[variant].n).toBe(report.requests[variant]);
      expect(results[variant].mean).toBeCloseTo(report.ratingSums[variant] / report.requests[variant], 10);
    }
    expect(Object.fromEntries(data.experiment.exposures.map((row) => [row.variant, row.count]))).toEqual(report.requests);
    // The fake users prefer the candidate by one point: the comparison sees it.
    expect(data.experiment.results.comparisons[0]).toMatchObject({ variant: 'candidate', significant: true });
    expect(data.experiment.results.comparisons[0].difference).toBeGreaterThan(0.75);
    expect(data.experiment.results.comparisons[0].difference).toBeLessThan(1.25);

    const interaction = await gqlOk<{ interaction: { variant: string; promptVersion: { id: string } | null; latencyMs: number } }>(
      `query ($r: String!) { interaction(requestId: $r) { variant promptVersion { id } latencyMs } }`,
      { r: `${experiment}:user-0:0` },
    );
    expect(interaction.interaction.promptVersion?.id).toBeTruthy();
    expect(interaction.interaction.latencyMs).toBeGreaterThan(200);
  });
});
