import type { ModelConfig } from '@flywheel/core';

// What the prompt service returns and parent resolvers receive (GraphQL Code
// Generator maps each `XModel` here to GraphQL type X).

export interface PromptModel {
  id: string;
  name: string;
  description: string | null;
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PromptVersionModel {
  id: string;
  promptId: string;
  number: number;
  hash: string;
  template: string;
  variables: string[];
  modelConfig: ModelConfig;
  metadata: unknown;
  commitMessage: string | null;
  createdAt: Date;
}

export interface PromptLabelModel {
  promptId: string;
  name: string;
  versionId: string;
  updatedAt: Date;
}

export interface PromptLabelMoveModel {
  label: string;
  fromVersionId: string | null;
  toVersionId: string;
  movedAt: Date;
  movedBy: string | null;
}

export interface RenderedPromptModel {
  text: string;
  version: PromptVersionModel;
  systemPrompt: string | null;
}

export interface PromptDiffModel {
  from: PromptVersionModel;
  to: PromptVersionModel;
  templateDiff: string;
  modelConfigChanges: Array<{ field: string; from: unknown; to: unknown }>;
}
