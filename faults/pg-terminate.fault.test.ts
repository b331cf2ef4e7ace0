// Every database connection of the stack cut (pg_terminate_backend, as a
// PostgreSQL restart or a failover does) again and again during a load: the
// processes survive (same pids), `/ready` answers throughout and is 200 again
// afterwards, and nothing acknowledged is lost.
import { report, sleep, statusOf, waitFor, ALL_SUBGRAPHS, type FaultStack, startFaultStack } from './support/fault-stack';
import { runFeedbackLoad, startedExperiment, storedKeys, type LoadOptions } from './support/feedback-load';

const REGISTER = `mutation($input: RegisterPromptInput!) { registerPrompt(input: $input) { created version { id number } } }`;

describe('pg_terminate_backend of every connection during a load', () => {
  let fault: FaultStack;

  beforeAll(async () => {
    fault = await startFaultStack(ALL_SUBGRAPHS);
  });
  afterAll(async () => {
    await fault?.stop();
  });

  it('recovers without a restart, /ready comes back, and nothing acknowledged is lost', async () => {
    const apps = [...ALL_SUBGRAPHS, 'gateway'];
    const pidsBefore = Object.fromEntries(apps.map((app) => [app, fault.pidOf(app)]));
    const variants = ['A', 'B'];
    const experimentId = await startedExperiment(fault, `pgterm-${Date.now()}`, variants);
    const options: LoadOptions = { prefix: `term-${Date.now().toString(36)}`, experimentId, variants, clients: 4, batchesPerClient: 30, batchSize: 50 };
    const total = options.clients * options.batchesPerClient * options.batchSize;

    // /ready of every subgraph, polled all along.
    let polling = true;
    const readiness: Record<string, Record<number, number>> = Object.fromEntries(ALL_SUBGRAPHS.map((name) => [name, {}]));
    const pollers = ALL_SUBGRAPHS.map(async (name) => {
      while (polling) {
        const status = await statusOf(`${fault.subgraphOrigin(name)}/ready`);
        readiness[name][status] = (readiness[name][status] ?? 0) + 1;
        await sleep(20);
      }
    });

    // Prompt registrations beside the feedback, retried until acknowledged (same content: idempotent).
    const promptName = `pgterm-${Date.now().toString(36)}`;
    const registered = new Map<number, string>();
    let promptFailures = 0;
    const registrations = (async () => {
      for (let i = 0; i < 40; i += 1) {
        for (let attempt = 1; ; attempt += 1) {
          const result = await fault.gql(REGISTER, { input: { name: promptName, template: `version ${i}: {text}` } });
          const version = result.data?.registerPrompt?.version as { id: string; number: number } | undefined;
          if (result.status === 200 && version && !result.errors?.length) {
            registered.set(version.number, version.id);
            break;
          }
          promptFailures += 1;
          if (attempt > 200) throw new Error(`registration ${i} never acknowledged: ${JSON.stringify(result).slice(0, 500)}`);
          await sleep(50);
        }
      }
    })();

    const { progress, done } = runFeedbackLoad(fault, options);
    await waitFor('a tenth of the load acknowledged', () => progress.acknowledgedBatches >= (options.clients * options.batchesPerClient) / 10, 60_000, 5);

    // Cut every connection to the stack's database (but ours) every 100 ms for 1.5 s.
    let terminated = 0;
    let rounds = 0;
    const cutUntil = Date.now() + 1_500;
    while (Date.now() < cutUntil) {
      const { rows } = await fault.db.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [fault.database.name],
      );
      terminated += rows[0].n;
      rounds += 1;
      await sleep(100);
    }

    await done;
    await registrations;
    // /ready is 200 again everywhere, and no process was restarted.
    for (const name of ALL_SUBGRAPHS) {
      await waitFor(`${name} /ready`, async () => (await statusOf(`${fault.subgraphOrigin(name)}/ready`)) === 200, 15_000, 50);
    }
    polling = false;
    await Promise.all(pollers);
    const pidsAfter = Object.fromEntries(apps.map((app) => [app, fault.pidOf(app)]));
    report('pg-terminate', {
      rounds,
      backendsTerminated: terminated,
      feedbackItems: total,
      feedbackFailedAttempts: progress.failedAttempts,
      failureKinds: [...progress.failureKinds],
      retriedButAlreadyStored: progress.duplicates,
      promptRegistrations: registered.size,
      promptFailedAttempts: promptFailures,
      readyPolls: readiness,
      pidsBefore,
      pidsAfter,
    });
    // The cuts hit live connections, and the load saw them.
    expect(terminated).toBeGreaterThan(0);
    expect(progress.failedAttempts + promptFailures).toBeGreaterThan(0);

    // Nothing acknowledged is lost: each feedback item once, each registered version there with its number.
    expect(progress.acknowledged).toHaveLength(total);
    const stored = await storedKeys(fault, options.prefix);
    expect(stored.size).toBe(total);
    expect(progress.acknowledged.filter((item) => stored.get(item.idempotencyKey) !== 1)).toEqual([]);
    const { rows: versions } = await fault.db.query<{ id: string; number: number }>(
      `SELECT v.id, v.number FROM prompt_version v JOIN prompt p ON p.id = v.prompt_id WHERE p.name = $1 ORDER BY v.number`,
      [promptName],
    );
    expect(versions.map((row) => row.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const [number, id] of registered) expect(versions[number - 1].id).toBe(id);
    expect(registered.size).toBe(40);

    // /ready never failed to answer: every poll got 200 or 503 (not ready), never a dead socket or a 500.
    for (const name of ALL_SUBGRAPHS) expect(Object.keys(readiness[name]).every((status) => status === '200' || status === '503')).toBe(true);

    // No process died: same pids, and the launcher restarted nothing (the lines say why if it did).
    const crashes = fault.stack.output().split('\n').filter((line) => /exited; restarting|Unhandled 'error'|^\w*error: /i.test(line));
    expect({ pids: pidsAfter, crashes }).toEqual({ pids: pidsBefore, crashes: [] });
  });
});
