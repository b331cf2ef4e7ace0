import {
  CreateRunDocument,
  EndRunDocument,
  LogMetricDocument,
  LogMetricsDocument,
  LogParamDocument,
  LogRunBatchDocument,
  LogTextDocument,
  type CreateRunInput,
  type LogMetricMutation,
  type LogParamMutation,
  type LogTextMutation,
  type MetricInput,
  type ParamInput,
  type RegistryTagInput,
  type RunFieldsFragment,
  type RunStatus,
} from './__generated__/graphql';
import type { Transport } from './transport';

/** A run as the SDK returns it (the `RunFields` fragment). */
export type Run = RunFieldsFragment;
/** One logged metric point. */
export type Metric = LogMetricMutation['logMetric'];
/** One logged param. */
export type Param = LogParamMutation['logParam'];
/** A stored text artifact's path and size. */
export type ArtifactInfo = LogTextMutation['logText'];

/**
 * Run tracking, MLflow-style: thin typed wrappers over the model registry's
 * run mutations, each one request. Params are immutable (another value for a
 * key is a CONFLICT); an ended run takes no new params, metrics or artifacts.
 */
export class RunsClient {
  constructor(private readonly transport: Transport) {}

  /** Starts a run (status RUNNING) in `project`, optionally linked to a prompt version, experiment or dataset version. */
  async create(input: CreateRunInput): Promise<Run> {
    return (await this.transport.request(CreateRunDocument, { input })).createRun;
  }

  /** Logs one param (immutable once logged). */
  async logParam(runId: string, key: string, value: string): Promise<Param> {
    return (await this.transport.request(LogParamDocument, { runId, key, value })).logParam;
  }

  /** Logs one metric point; `step` defaults to 0 and `timestamp` to now on the server. */
  async logMetric(runId: string, key: string, value: number, options: { step?: number; timestamp?: Date | string } = {}): Promise<Metric> {
    const timestamp = options.timestamp instanceof Date ? options.timestamp.toISOString() : options.timestamp;
    return (await this.transport.request(LogMetricDocument, { runId, key, value, step: options.step, timestamp })).logMetric;
  }

  /** Logs up to 1 000 metric points in one call, all or none; a plain `{ key: value }` object logs each at step 0. */
  async logMetrics(runId: string, metrics: MetricInput[] | Record<string, number>): Promise<Metric[]> {
    return (await this.transport.request(LogMetricsDocument, { runId, metrics: metricList(metrics) })).logMetrics;
  }

  /**
   * Logs params, metrics and tags in one transaction (`logBatch`), all or
   * none; plain `{ key: value }` objects are accepted for each.
   */
  async logBatch(
    runId: string,
    batch: { params?: ParamInput[] | Record<string, string>; metrics?: MetricInput[] | Record<string, number>; tags?: RegistryTagInput[] | Record<string, string> },
  ): Promise<Run> {
    return (
      await this.transport.request(LogRunBatchDocument, {
        runId,
        params: keyValues(batch.params),
        metrics: batch.metrics === undefined ? undefined : metricList(batch.metrics),
        tags: keyValues(batch.tags),
      })
    ).logBatch;
  }

  /** Stores a text artifact (up to 1 MiB of UTF-8) at a relative `path`. */
  async logText(runId: string, path: string, text: string): Promise<ArtifactInfo> {
    return (await this.transport.request(LogTextDocument, { runId, path, text })).logText;
  }

  /** Ends the run: FINISHED (default), FAILED or KILLED. */
  async end(runId: string, status: Exclude<RunStatus, 'RUNNING'> = 'FINISHED'): Promise<Run> {
    return (await this.transport.request(EndRunDocument, { runId, status })).endRun;
  }
}

function metricList(metrics: MetricInput[] | Record<string, number>): MetricInput[] {
  return Array.isArray(metrics) ? metrics : Object.entries(metrics).map(([key, value]) => ({ key, value }));
}

function keyValues(pairs: Array<{ key: string; value: string }> | Record<string, string> | undefined): Array<{ key: string; value: string }> | undefined {
  return pairs === undefined || Array.isArray(pairs) ? pairs : Object.entries(pairs).map(([key, value]) => ({ key, value }));
}
