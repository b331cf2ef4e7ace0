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
