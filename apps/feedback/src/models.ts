// What the feedback services return and parent resolvers receive (GraphQL Code
// Generator maps each `XModel` here to GraphQL type X).

export type FeedbackSourceValue = 'USER' | 'LLM_JUDGE' | 'ANNOTATOR';
export type FeedbackMetricValue = 'RATING' | 'SCORE' | 'THUMBS' | 'LATENCY' | 'COST';

export interface InteractionModel {
  id: string;
  requestId: string;
  experimentId: string | null;
  variant: string | null;
  promptVersionId: string | null;
  modelVersionId: string | null;
  unitId: string | null;
  input: unknown;
  output: string | null;
  latencyMs: number | null;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  metadata: unknown;
  createdAt: Date;
}

export interface FeedbackModel {
  id: string;
  idempotencyKey: string;
  requestId: string;
  experimentId: string | null;
  variant: string | null;
  rating: number | null;
  score: number | null;
  thumbs: boolean | null;
  feedbackText: string | null;
  latencyMs: number | null;
  source: FeedbackSourceValue;
  createdAt: Date;
}

/** The Experiment entity as this subgraph knows it: only its key. */
export interface ExperimentModel {
  id: string;
}

export type DatasetExportFormatValue = 'OPENAI_CHAT_JSONL' | 'PROMPT_COMPLETION_JSONL' | 'PREFERENCE_JSONL';

export interface DatasetModel {
  id: string;
  name: string;
  description: string | null;
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface DatasetVersionModel {
  id: string;
  datasetId: string;
  version: number;
  hash: string;
  itemCount: number;
  filter: Record<string, unknown>;
  parentId: string | null;
  change: unknown;
  createdAt: Date;
}

/** Feedback of an item, summarised at snapshot time (stored as JSON in the item). */
export interface DatasetItemFeedbackModel {
  n: number;
  meanRating: number | null;
  minRating: number | null;
  maxRating: number | null;
  thumbsUp: number;
  thumbsDown: number;
  meanScore: number | null;
  texts: string[];
  sources: FeedbackSourceValue[];
}

export interface DatasetItemModel {
  id: string;
  datasetVersionId: string;
  position: number;
  key: string;
  requestId: string;
  input: unknown;
  output: string | null;
  expectedOutput: string | null;
  feedback: DatasetItemFeedbackModel;
  feedbackIds: string[];
  promptVersionId: string | null;
  promptVersionHash: string | null;
  modelVersionId: string | null;
  experimentId: string | null;
  variant: string | null;
}

/** The ModelVersion entity as this subgraph knows it: only its key. */
export interface ModelVersionModel {
  id: string;
}

/** The Run entity as this subgraph knows it: only its key. */
export interface RunModel {
  id: string;
}
