import type { IncomingMessage } from 'node:http';
import DataLoader from 'dataloader';
import type { RequestContext } from '@flywheel/server';
import type { Logger } from '@flywheel/server';
import type { PromptModel, PromptVersionModel } from './models';
import type { PromptService } from './services/prompt.service';

/** Per-request batching: every `__resolveReference` and per-version lookup goes through one of these. */
export interface PromptLoaders {
  promptByName: DataLoader<string, PromptModel | null>;
  promptById: DataLoader<string, PromptModel | null>;
  versionById: DataLoader<string, PromptVersionModel | null>;
  labelsOfVersion: DataLoader<string, string[]>;
}

export interface Context extends RequestContext {
  prompts: PromptService;
  loaders: PromptLoaders;
  /** Who is acting, for history rows; set once authentication is in place. */
  actor: string | null;
}

export function createLoaders(prompts: PromptService): PromptLoaders {
  return {
    promptByName: new DataLoader((names) => prompts.promptsByName(names)),
    promptById: new DataLoader((ids) => prompts.promptsById(ids)),
    versionById: new DataLoader((ids) => prompts.versionsById(ids)),
    labelsOfVersion: new DataLoader((ids) => prompts.labelsOfVersions(ids)),
  };
}

export function createContext(deps: { prompts: PromptService; logger: Logger }) {
  return async ({ requestId }: { req?: IncomingMessage; requestId: string }): Promise<Context> => ({
    requestId,
    logger: deps.logger,
    prompts: deps.prompts,
    loaders: createLoaders(deps.prompts),
    actor: null,
  });
}
