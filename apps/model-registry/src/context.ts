import type { IncomingMessage } from 'node:http';
import DataLoader from 'dataloader';
import type { Logger, RequestContext } from '@flywheel/server';
import type { ModelVersionModel, RegisteredModelModel, RunModel } from './models';
import type { ModelRegistryService } from './services/model-registry.service';
import type { MetricPoint, RunService } from './services/run.service';

/** Per-request batching: every `__resolveReference` and per-parent lookup goes through one of these. */
export interface ModelRegistryLoaders {
  modelByName: DataLoader<string, RegisteredModelModel | null>;
  modelById: DataLoader<string, RegisteredModelModel | null>;
  versionById: DataLoader<string, ModelVersionModel | null>;
  aliasesOfVersion: DataLoader<string, string[]>;
  versionsOfRun: DataLoader<string, ModelVersionModel[]>;
  runById: DataLoader<string, RunModel | null>;
  paramsOfRun: DataLoader<string, Array<{ key: string; value: string }>>;
  metricsOfRun: DataLoader<string, MetricPoint[]>;
  tagsOfRun: DataLoader<string, Array<{ key: string; value: string }>>;
  artifactText: DataLoader<{ runId: string; path: string }, string | null, string>;
}

export interface Context extends RequestContext {
  registry: ModelRegistryService;
  runs: RunService;
  loaders: ModelRegistryLoaders;
  /** Who is acting, for history rows; set once authentication is in place. */
  actor: string | null;
}

export function createLoaders(registry: ModelRegistryService, runs: RunService): ModelRegistryLoaders {
  return {
    modelByName: new DataLoader((names) => registry.modelsByName(names)),
    modelById: new DataLoader((ids) => registry.modelsById(ids)),
    versionById: new DataLoader((ids) => registry.versionsById(ids)),
    aliasesOfVersion: new DataLoader((ids) => registry.aliasesOfVersions(ids)),
    versionsOfRun: new DataLoader((ids) => registry.versionsOfRuns(ids)),
    runById: new DataLoader((ids) => runs.runsById(ids)),
    paramsOfRun: new DataLoader((ids) => runs.paramsOfRuns(ids)),
    metricsOfRun: new DataLoader((ids) => runs.latestMetricsOfRuns(ids)),
    tagsOfRun: new DataLoader((ids) => runs.tagsOfRuns(ids)),
    artifactText: new DataLoader((keys) => runs.artifactTexts(keys), { cacheKeyFn: (key) => `${key.runId}/${key.path}` }),
  };
}

export function createContext(deps: { registry: ModelRegistryService; runs: RunService; logger: Logger }) {
  return async ({ requestId }: { req?: IncomingMessage; requestId: string }): Promise<Context> => ({
    requestId,
    logger: deps.logger,
    registry: deps.registry,
    runs: deps.runs,
    loaders: createLoaders(deps.registry, deps.runs),
    actor: null,
  });
}
