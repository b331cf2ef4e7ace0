import type { IncomingMessage } from 'node:http';
import DataLoader from 'dataloader';
import type { Logger, RequestContext } from '@flywheel/server';
import type { DatasetModel, DatasetVersionModel, FeedbackModel, InteractionModel } from './models';
import type { DatasetService } from './services/dataset.service';
import type { DownloadLinks } from './services/download.route';
import type { FeedbackService } from './services/feedback.service';
import type { ResultsInput } from './services/results';
import type { ResultsService } from './services/results.service';

/** Per-request batching: experiments' results inputs, the request-id links and the datasets go through these. */
export interface FeedbackLoaders {
  resultsInputs: DataLoader<string, ResultsInput | null>;
  interactionByRequestId: DataLoader<string, InteractionModel | null>;
  interactionById: DataLoader<string, InteractionModel | null>;
  feedbackByRequestId: DataLoader<string, FeedbackModel[]>;
  datasetById: DataLoader<string, DatasetModel | null>;
  datasetByName: DataLoader<string, DatasetModel | null>;
  datasetVersionById: DataLoader<string, DatasetVersionModel | null>;
  versionsOfDataset: DataLoader<string, DatasetVersionModel[]>;
  latestOfDataset: DataLoader<string, DatasetVersionModel | null>;
  modelVersionIdsOf: DataLoader<string, string[]>;
  runIdsOf: DataLoader<string, string[]>;
}

export interface Context extends RequestContext {
  feedback: FeedbackService;
  results: ResultsService;
  datasets: DatasetService;
  downloads: DownloadLinks;
  /** The Host this request reached the subgraph at: the base of download links without FLYWHEEL_PUBLIC_FEEDBACK_URL. */
  requestHost?: string;
  loaders: FeedbackLoaders;
  /** Who is acting, for the rows' created_by; set once authentication is in place. */
  actor: string | null;
}

export function createLoaders(feedback: FeedbackService, results: ResultsService, datasets: DatasetService): FeedbackLoaders {
  return {
    resultsInputs: new DataLoader((ids) => results.inputsFor(ids)),
    interactionByRequestId: new DataLoader((ids) => feedback.interactionsByRequestId(ids)),
    interactionById: new DataLoader((ids) => feedback.interactionsById(ids)),
    feedbackByRequestId: new DataLoader((ids) => feedback.feedbackByRequestId(ids)),
    datasetById: new DataLoader((ids) => datasets.datasetsById(ids)),
    datasetByName: new DataLoader((names) => datasets.datasetsByName(names)),
    datasetVersionById: new DataLoader((ids) => datasets.versionsById(ids)),
    versionsOfDataset: new DataLoader((ids) => datasets.versionsOfDatasets(ids)),
    latestOfDataset: new DataLoader((ids) => datasets.latestOfDatasets(ids)),
    modelVersionIdsOf: new DataLoader((ids) => datasets.modelVersionIdsOf(ids)),
    runIdsOf: new DataLoader((ids) => datasets.runIdsOf(ids)),
  };
}

export function createContext(deps: { feedback: FeedbackService; results: ResultsService; datasets: DatasetService; downloads: DownloadLinks; logger: Logger }) {
  return async ({ req, requestId }: { req?: IncomingMessage; requestId: string }): Promise<Context> => ({
    requestId,
    logger: deps.logger,
    feedback: deps.feedback,
    results: deps.results,
    datasets: deps.datasets,
    downloads: deps.downloads,
    requestHost: req?.headers.host,
    loaders: createLoaders(deps.feedback, deps.results, deps.datasets),
    actor: null,
  });
}
