import type { IncomingMessage } from 'node:http';
import DataLoader from 'dataloader';
import type { Logger, RequestContext } from '@flywheel/server';
import type { FeedbackModel, InteractionModel } from './models';
import type { FeedbackService } from './services/feedback.service';
import type { ResultsInput } from './services/results';
import type { ResultsService } from './services/results.service';

/** Per-request batching: experiments' results inputs and the request-id links go through these. */
export interface FeedbackLoaders {
  resultsInputs: DataLoader<string, ResultsInput | null>;
  interactionByRequestId: DataLoader<string, InteractionModel | null>;
  feedbackByRequestId: DataLoader<string, FeedbackModel[]>;
}

export interface Context extends RequestContext {
  feedback: FeedbackService;
  results: ResultsService;
  loaders: FeedbackLoaders;
  /** Who is acting, for the rows' created_by; set once authentication is in place. */
  actor: string | null;
}

export function createLoaders(feedback: FeedbackService, results: ResultsService): FeedbackLoaders {
  return {
    resultsInputs: new DataLoader((ids) => results.inputsFor(ids)),
    interactionByRequestId: new DataLoader((ids) => feedback.interactionsByRequestId(ids)),
    feedbackByRequestId: new DataLoader((ids) => feedback.feedbackByRequestId(ids)),
  };
}

export function createContext(deps: { feedback: FeedbackService; results: ResultsService; logger: Logger }) {
  return async ({ requestId }: { req?: IncomingMessage; requestId: string }): Promise<Context> => ({
    requestId,
    logger: deps.logger,
    feedback: deps.feedback,
    results: deps.results,
    loaders: createLoaders(deps.feedback, deps.results),
    actor: null,
  });
}
