import { createHash } from 'node:crypto';
import { canonicalJson, renderTemplate } from '@flywheel/core';
import type { DatasetItemModel, DatasetExportFormatValue } from '../models';

/** Columns of an item row as the services read them. */
export const ITEM_COLUMNS = `id, dataset_version_id, position, key, request_id, input, output, expected_output, feedback, feedback_ids::text[] AS feedback_ids,
  prompt_version_id, prompt_version_hash, model_version_id, experiment_id, variant`;

export interface ItemRow {
  id: string;
  dataset_version_id: string;
  position: number;
  key: string;
  request_id: string;
  input: unknown;
  output: string | null;
  expected_output: string | null;
  feedback: DatasetItemModel['feedback'];
  feedback_ids: string[];
  prompt_version_id: string | null;
  prompt_version_hash: string | null;
  model_version_id: string | null;
  experiment_id: string | null;
  variant: string | null;
}

export const toItem = (row: ItemRow): DatasetItemModel => ({
  id: row.id,
  datasetVersionId: row.dataset_version_id,
  position: row.position,
  key: row.key,
  requestId: row.request_id,
  input: row.input,
  output: row.output,
  expectedOutput: row.expected_output,
  feedback: row.feedback,
  feedbackIds: row.feedback_ids,
  promptVersionId: row.prompt_version_id,
  promptVersionHash: row.prompt_version_hash,
  modelVersionId: row.model_version_id,
  experimentId: row.experiment_id,
  variant: row.variant,
});

/**
 * What an item contributes to its version's hash: its content without the ids
 * that are new in every version (item id, version id, position — the list's
 * order carries the position). So the same items give the same hash, in any
 * dataset and version.
 */
export function itemContent(item: DatasetItemModel): Record<string, unknown> {
  return {
    key: item.key,
    requestId: item.requestId,
    input: item.input,
    output: item.output,
    expectedOutput: item.expectedOutput,
    feedback: item.feedback,
    feedbackIds: item.feedbackIds,
    promptVersionId: item.promptVersionId,
    promptVersionHash: item.promptVersionHash,
    modelVersionId: item.modelVersionId,
    experimentId: item.experimentId,
    variant: item.variant,
  };
}

/**
 * sha256 of the canonical JSON of a list of item contents, fed one item at a
 * time: `[` + canonicalJson(item₁) + `,` + … + `]` is exactly
 * canonicalJson([item₁, …]), so the digest equals `contentHash(items)` of
 * libs/core without ever holding the list.
 */
export class ItemListHasher {
  private readonly hash = createHash('sha256').update('[');
  private count = 0;

  add(content: unknown): void {
    if (this.count > 0) this.hash.update(',');
    this.hash.update(canonicalJson(content), 'utf8');
    this.count += 1;
  }

  digest(): string {
    return this.hash.update(']').digest('hex');
  }
}

/** What the export needs of a prompt version (read from the prompt module's table). */
export interface PromptForExport {
  template: string;
  systemPrompt: string | null;
  fewShot: Array<{ input: string; output: string }>;
}

/**
 * The user text of an item. The rule: an input that is a JSON object is the
 * variables of the item's prompt version's template, rendered with
 * `renderTemplate` (libs/core); an input that is a string is the text itself;
 * anything else (an array, a number, an object without a prompt version or
 * missing a variable of the template) is its JSON text. Null input: no text.
 */
export function userText(input: unknown, prompt: PromptForExport | null): string | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string') return input;
  if (prompt && typeof input === 'object' && !Array.isArray(input)) {
    try {
      return renderTemplate(prompt.template, input as Record<string, unknown>);
    } catch {
      // A variable missing from the input: keep the data rather than drop the item.
    }
  }
  return JSON.stringify(input);
}

/** The assistant text of an item: the corrected output when set, else the logged output. */
export function assistantText(item: { expectedOutput: string | null; output: string | null }): string | null {
  return item.expectedOutput ?? item.output;
}

const filled = (text: string | null | undefined): text is string => typeof text === 'string' && text.trim().length > 0;

/**
 * One JSONL line (without the newline) for an item in OPENAI_CHAT_JSONL or
 * PROMPT_COMPLETION_JSONL, or null when the item has no user or assistant
 * text (such items are left out of exports). Few-shot examples with an empty
 * side are left out too: fine-tuning APIs refuse empty messages.
 */
export function itemLine(format: Exclude<DatasetExportFormatValue, 'PREFERENCE_JSONL'>, item: DatasetItemModel, prompt: PromptForExport | null): string | null {
  const user = userText(item.input, prompt);
  const assistant = assistantText(item);
  if (!filled(user) || !filled(assistant)) return null;
  if (format === 'PROMPT_COMPLETION_JSONL') return JSON.stringify({ prompt: user, completion: assistant });
  const messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> = [];
  if (prompt && filled(prompt.systemPrompt)) messages.push({ role: 'system', content: prompt.systemPrompt });
  for (const example of prompt?.fewShot ?? []) {
    if (!filled(example.input) || !filled(example.output)) continue;
    messages.push({ role: 'user', content: example.input }, { role: 'assistant', content: example.output });
  }
  messages.push({ role: 'user', content: user }, { role: 'assistant', content: assistant });
  return JSON.stringify({ messages });
}

/** One PREFERENCE_JSONL line, or null when a side is empty or both sides say the same. */
export function preferenceLine(input: unknown, prompt: PromptForExport | null, chosen: string | null, rejected: string | null): string | null {
  const user = userText(input, prompt);
  if (!filled(user) || !filled(chosen) || !filled(rejected) || chosen === rejected) return null;
  return JSON.stringify({ prompt: user, chosen, rejected });
}
