import { contentHash } from '../hashing/content-hash';

/** One few-shot example of a prompt's model configuration. */
export interface FewShotExample {
  input: string;
  output: string;
}

/** A prompt version's model configuration, every field optional on input. */
export interface ModelConfigInput {
  model?: string | null;
  temperature?: number | null;
  maxTokens?: number | null;
  topP?: number | null;
  stop?: readonly string[] | null;
  systemPrompt?: string | null;
  fewShot?: readonly FewShotExample[] | null;
}

/** A model configuration with every default filled in: what gets hashed and stored. */
export interface ModelConfig {
  model: string | null;
  temperature: number;
  maxTokens: number | null;
  topP: number;
  stop: string[];
  systemPrompt: string | null;
  fewShot: FewShotExample[];
}

/**
 * The defaults an absent field takes. They are the OpenAI and Anthropic API
 * defaults (temperature 1, top-p 1, no stop sequences, no token cap), so that a
 * config that spells a default out is the same content as one that leaves it out.
 */
export const MODEL_CONFIG_DEFAULTS: Readonly<ModelConfig> = Object.freeze({
  model: null,
  temperature: 1,
  maxTokens: null,
  topP: 1,
  stop: [],
  systemPrompt: null,
  fewShot: [],
});

/**
 * Fills the defaults of a model configuration (`null` and `undefined` both
 * mean "absent").
 *
 * @example normaliseModelConfig({ model: 'gpt-4o' }).temperature // 1
 */
export function normaliseModelConfig(input: ModelConfigInput | null | undefined): ModelConfig {
  const config = input ?? {};
  return {
    model: config.model ?? MODEL_CONFIG_DEFAULTS.model,
    temperature: config.temperature ?? MODEL_CONFIG_DEFAULTS.temperature,
    maxTokens: config.maxTokens ?? MODEL_CONFIG_DEFAULTS.maxTokens,
    topP: config.topP ?? MODEL_CONFIG_DEFAULTS.topP,
    stop: [...(config.stop ?? [])],
    systemPrompt: config.systemPrompt ?? MODEL_CONFIG_DEFAULTS.systemPrompt,
    fewShot: (config.fewShot ?? []).map(({ input, output }) => ({ input, output })),
  };
}

/**
 * The content hash of a prompt version: sha256 over the canonical JSON of
 * `{ template, modelConfig }` with defaults filled, so the same template for
 * another model (or another temperature) is another version, while key order,
 * whitespace between JSON tokens and spelled-out defaults change nothing.
 *
 * @returns 64 lowercase hex characters
 */
export function promptVersionHash(template: string, modelConfig: ModelConfigInput | null | undefined): string {
  return contentHash({ template, modelConfig: normaliseModelConfig(modelConfig) });
}
