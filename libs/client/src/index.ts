// @flywheel/client: the typed SDK for products that call Flywheel on every request.
export { Flywheel, type FlywheelOptions, type FlywheelStats } from './flywheel';
export { FlywheelError, isRetryable, type FlywheelErrorCode, type GraphQLErrorBody } from './flywheel-error';
export { PromptsClient, type GetPromptOptions, type Prompt, type PromptFallback, type PromptVersion, type RenderedPrompt } from './prompts';
export { ExperimentsClient, type ExperimentResults } from './experiments';
export { assignLocally, prepareExperiment, type Assignment, type ExperimentDefinition, type ExperimentVariant, type PreparedExperiment } from './local-assignment';
export { FeedbackClient, InteractionsClient } from './feedback';
export { IngestQueue, type IngestItem, type IngestSender, type IngestStats } from './ingest-queue';
export { RunsClient, type ArtifactInfo, type Metric, type Param, type Run } from './runs';
export { ModelsClient, type ModelVersion } from './models';
export { backoffDelay, withRetry, DEFAULT_RETRY, type RetryPolicy } from './retry';
export { Transport, type TypedDocument } from './transport';
export type {
  CreateExperimentInput,
  CreateModelVersionInput,
  CreateRunInput,
  FeedbackMetric,
  FeedbackSource,
  LogFeedbackInput,
  LogInteractionInput,
  MetricInput,
  RegisterPromptInput,
  RunStatus,
} from './__generated__/graphql';
