import type { IncomingMessage } from 'node:http';
import DataLoader from 'dataloader';
import type { Logger, RequestContext } from '@flywheel/server';
import type { ExperimentModel, VariantExposuresModel } from './models';
import type { ExperimentService } from './services/experiment.service';

/** Per-request batching: every `__resolveReference` and per-experiment lookup goes through one of these. */
export interface ExperimentLoaders {
  experimentById: DataLoader<string, ExperimentModel | null>;
  experimentByName: DataLoader<string, ExperimentModel | null>;
  exposuresOf: DataLoader<string, VariantExposuresModel[]>;
  experimentsOfPromptVersion: DataLoader<string, ExperimentModel[]>;
}

export interface Context extends RequestContext {
  experiments: ExperimentService;
  loaders: ExperimentLoaders;
  /** Who is acting, for history rows; set once authentication is in place. */
  actor: string | null;
}

export function createLoaders(experiments: ExperimentService): ExperimentLoaders {
  return {
    experimentById: new DataLoader((ids) => experiments.experimentsById(ids)),
    experimentByName: new DataLoader((names) => experiments.experimentsByName(names)),
    exposuresOf: new DataLoader((ids) => experiments.exposureCounts(ids)),
    experimentsOfPromptVersion: new DataLoader((ids) => experiments.experimentsOfPromptVersions(ids)),
  };
}

export function createContext(deps: { experiments: ExperimentService; logger: Logger }) {
  return async ({ requestId }: { req?: IncomingMessage; requestId: string }): Promise<Context> => ({
    requestId,
    logger: deps.logger,
    experiments: deps.experiments,
    loaders: createLoaders(deps.experiments),
    actor: null,
  });
}
