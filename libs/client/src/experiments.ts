import {
  AssignDocument,
  CompleteExperimentDocument,
  CreateExperimentDocument,
  ExperimentDefinitionDocument,
  ExperimentResultsDocument,
  PauseExperimentDocument,
  StartExperimentDocument,
  type CreateExperimentInput,
  type ExperimentResultsQuery,
  type FeedbackMetric,
} from './__generated__/graphql';
import { FlywheelError } from './flywheel-error';
import type { IngestQueue } from './ingest-queue';
import { assignLocally, checkUnitId, prepareExperiment, type Assignment, type ExperimentDefinition, type PreparedExperiment } from './local-assignment';
import { asFlywheelError } from './prompts';
import type { Transport } from './transport';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Results of an experiment on one metric (the `results` field of the feedback subgraph). */
export type ExperimentResults = NonNullable<ExperimentResultsQuery['experiment']>['results'];

export interface ExperimentsOptions {
  /** How long a fetched definition is used before a background refresh (a pause or a new forced unit shows within it). */
  refreshMs: number;
  /** Wait after a failed refresh before the next try. */
  refreshRetryMs: number;
  /** Queue first exposures (sent through assignBatch); off only for read-only tools. */
  recordExposures: boolean;
  onError: (error: FlywheelError) => void;
  now: () => number;
}

interface CacheEntry {
  /** The prepared definition; null when no experiment has that name (NOT_FOUND on assign). */
  experiment: PreparedExperiment | null;
  /** Assign on the server instead: the key may not read definitions (INGEST), or only the server knows every forced unit. */
  remote: boolean;
  fetchedAt: number;
  retryAfter: number;
}

/** Units already queued or sent per experiment, to spare the server repeats; bounded (cleared when full, which only costs a repeat). */
const EXPOSURE_MEMORY = 100_000;

/**
 * Experiments: `assign` computes the variant locally from a cached definition
 * with libs/core, exactly as the server's `assign` would (see
 * {@link assignLocally}), and queues the unit's exposure; the queue sends
 * exposures in batches through `assignBatch`, which records first exposures
 * and is idempotent. Definitions are fetched on first use (concurrent first
 * calls share one request) and refreshed in the background once older than
 * `refreshMs`, serving the cached one meanwhile.
 *
 * Two cases go to the server instead, one request per call: a key that may not
 * read experiments (an INGEST key: FORBIDDEN on the definition) and an
 * experiment with more forced units than the definition lists. When Flywheel
 * is unreachable and nothing is cached, `assign` returns null (serve the
 * default, as for a paused experiment) and reports the error to `onError`.
 */
export class ExperimentsClient {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<CacheEntry>>();
  private readonly exposed = new Map<string, Set<string>>();
  private counters = { local: 0, remote: 0, unavailable: 0 };

  constructor(
    private readonly transport: Transport,
    private readonly queue: IngestQueue,
    private readonly options: ExperimentsOptions,
  ) {}

  /**
   * The variant of `unitId` in experiment `experiment` (its name, or its id),
   * or null when the unit takes no part (outside the allocation or layer
   * slice, or the experiment is not running). Once the definition is cached
   * this makes no request.
   *
   * @throws {FlywheelError} NOT_FOUND for an unknown experiment, BAD_USER_INPUT for a unit id the server would refuse
   */
  async assign(experiment: string, unitId: string): Promise<Assignment | null> {
    checkUnitId(unitId);
    let entry: CacheEntry;
    try {
      entry = await this.entry(experiment);
    } catch (error) {
      this.counters.unavailable++;
      this.options.onError(asFlywheelError(error));
      return null;
    }
    if (entry.remote) return this.assignRemotely(experiment, unitId);
    if (!entry.experiment) throw new FlywheelError(`No experiment named '${experiment}'`, { code: 'NOT_FOUND', extensions: { code: 'NOT_FOUND', experiment } });
    const assignment = assignLocally(entry.experiment, unitId);
    this.counters.local++;
    if (assignment && entry.experiment.definition.status === 'RUNNING' && this.options.recordExposures) this.expose(entry.experiment.definition.id, unitId);
    return assignment;
  }

  /** The cached definition of an experiment (fetching it if needed); null when there is none. */
  async definition(experiment: string): Promise<ExperimentDefinition | null> {
    const entry = await this.entry(experiment);
    if (entry.remote && !entry.experiment) throw new FlywheelError(`This key may not read experiment '${experiment}'`, { code: 'FORBIDDEN' });
    return entry.experiment?.definition ?? null;
  }

  /** Forgets cached definitions (all, or one experiment's), e.g. after changing it from this process. */
  invalidate(experiment?: string): void {
    if (experiment === undefined) this.cache.clear();
    else this.cache.delete(experiment);
  }

  /** Assignments computed locally and on the server, and those answered null because Flywheel was unreachable. */
  stats(): { cached: number; local: number; remote: number; unavailable: number } {
    return { cached: this.cache.size, ...this.counters };
  }

  /** Creates a DRAFT experiment (`createExperiment`). */
  async create(input: CreateExperimentInput): Promise<ExperimentDefinition> {
    return (await this.transport.request(CreateExperimentDocument, { input })).createExperiment;
  }

  /** DRAFT or PAUSED → RUNNING (`startExperiment`). */
  async start(id: string): Promise<ExperimentDefinition> {
    return this.changed((await this.transport.request(StartExperimentDocument, { id })).startExperiment);
  }

  /** RUNNING → PAUSED (`pauseExperiment`). */
  async pause(id: string): Promise<ExperimentDefinition> {
    return this.changed((await this.transport.request(PauseExperimentDocument, { id })).pauseExperiment);
  }

  /** RUNNING or PAUSED → COMPLETED, optionally rolling out `winner` (`completeExperiment`). */
  async complete(id: string, winner?: string | null): Promise<ExperimentDefinition> {
    return this.changed((await this.transport.request(CompleteExperimentDocument, { id, winner })).completeExperiment);
  }

  /**
   * The experiment's results on `metric` (default RATING): per-variant
   * summaries, comparisons with the control, the sample-ratio check and a
   * decision. Needs the feedback subgraph.
   *
   * @throws {FlywheelError} NOT_FOUND when there is no experiment with that id
   */
  async results(id: string, options: { metric?: FeedbackMetric; confidence?: number } = {}): Promise<ExperimentResults> {
    const data = await this.transport.request(ExperimentResultsDocument, { id, metric: options.metric, confidence: options.confidence });
    if (!data.experiment) throw new FlywheelError(`No experiment with id ${id}`, { code: 'NOT_FOUND', extensions: { code: 'NOT_FOUND', id } });
    return data.experiment.results;
  }

  /** A definition changed by this client: refresh the cache under its name and id so assignment follows at once. */
  private changed(definition: ExperimentDefinition): ExperimentDefinition {
    for (const ref of [definition.name, definition.id]) {
      if (this.cache.has(ref)) this.cache.set(ref, this.freshEntry(definition));
    }
    return definition;
  }

  private freshEntry(definition: ExperimentDefinition | null): CacheEntry {
    const experiment = definition ? prepareExperiment(definition) : null;
    return { experiment, remote: experiment !== null && !experiment.forcedComplete, fetchedAt: this.options.now(), retryAfter: 0 };
  }

  private async entry(ref: string): Promise<CacheEntry> {
    const cached = this.cache.get(ref);
    if (cached) {
      const now = this.options.now();
      if (now - cached.fetchedAt >= this.options.refreshMs && now >= cached.retryAfter) {
        this.fetch(ref).catch((error: unknown) => this.options.onError(asFlywheelError(error)));
      }
      return cached;
    }
    return this.fetch(ref);
  }

  /** One request per experiment at a time. FORBIDDEN (a key that reads nothing) switches the experiment to server-side assignment. */
  private fetch(ref: string): Promise<CacheEntry> {
    const running = this.inFlight.get(ref);
    if (running) return running;
    const request = this.transport
      .request(ExperimentDefinitionDocument, { name: ref, id: UUID.test(ref) ? ref : null, byId: UUID.test(ref) })
      .then((data) => this.freshEntry(data.byId ?? data.byName ?? null))
      .catch((error: unknown) => {
        if (error instanceof FlywheelError && error.code === 'FORBIDDEN') {
          return { experiment: null, remote: true, fetchedAt: this.options.now(), retryAfter: 0 };
        }
        const cached = this.cache.get(ref);
        if (cached) cached.retryAfter = this.options.now() + this.options.refreshRetryMs;
        throw error;
      })
      .then((entry) => {
        this.cache.set(ref, entry);
        return entry;
      })
      .finally(() => this.inFlight.delete(ref));
    this.inFlight.set(ref, request);
    return request;
  }

  private async assignRemotely(experiment: string, unitId: string): Promise<Assignment | null> {
    this.counters.remote++;
    const data = await this.transport.request(AssignDocument, { experiment, unitId }, 'ingest');
    if (!data.assign) return null;
    const { experiment: owner, ...assignment } = data.assign;
    return { ...assignment, experimentId: owner.id };
  }

  private expose(experimentId: string, unitId: string): void {
    let units = this.exposed.get(experimentId);
    if (!units) this.exposed.set(experimentId, (units = new Set()));
    if (units.has(unitId)) return;
    if (units.size >= EXPOSURE_MEMORY) units.clear();
    if (this.queue.enqueue({ kind: 'exposure', experimentId, unitId })) units.add(unitId);
  }
}
