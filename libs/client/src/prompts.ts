import { renderTemplate, TemplateError } from '@flywheel/core';
import {
  PromptByLabelDocument,
  RegisterPromptDocument,
  SetPromptLabelDocument,
  type PromptVersionFieldsFragment,
  type RegisterPromptInput,
  type RegisterPromptMutation,
} from './__generated__/graphql';
import { FlywheelError } from './flywheel-error';
import type { Transport } from './transport';

/** A prompt version as the SDK fetches it (the `PromptVersionFields` fragment). */
export type PromptVersion = PromptVersionFieldsFragment;

/** What to serve when Flywheel cannot be reached and nothing is cached: a template, or a template and a system prompt. */
export type PromptFallback = string | { template: string; systemPrompt?: string | null };

export interface GetPromptOptions {
  /** The label to serve; default `production`. */
  label?: string;
  /** How long a fetched version is fresh; after that it is still served while a refresh runs in the background. */
  ttlMs?: number;
  /** Served (with `isFallback: true`) when the first fetch fails for any reason: unreachable, FORBIDDEN, NOT_FOUND. */
  fallback?: PromptFallback;
}

/** A prompt ready to render: the labelled version, or the fallback. */
export interface Prompt {
  readonly name: string;
  readonly label: string;
  readonly template: string;
  readonly systemPrompt: string | null;
  /** The version served; null for a fallback. */
  readonly version: PromptVersion | null;
  /** True when this is the caller's fallback template, not a version from Flywheel. */
  readonly isFallback: boolean;
  /** Why the fallback is served. */
  readonly fallbackReason: FlywheelError | null;
  /** Fills the template's variables locally, with the server's rules ({@link renderTemplate}). */
  render(variables: Record<string, unknown>): string;
}

/** A rendered prompt: the text, the system prompt, and the prompt it came from. */
export interface RenderedPrompt {
  readonly text: string;
  readonly systemPrompt: string | null;
  readonly prompt: Prompt;
}

interface CacheEntry {
  prompt: Prompt;
  fetchedAt: number;
  /** No background refresh before this (set after a failed one, so a down server is not asked on every call). */
  retryAfter: number;
}

export interface PromptsOptions {
  ttlMs: number;
  /** Wait after a failed background refresh before the next try. */
  refreshRetryMs: number;
  onError: (error: FlywheelError) => void;
  now: () => number;
}

/**
 * Prompts: `get` serves the labelled version from an in-memory cache. The
 * first call for a name and label fetches it (concurrent first calls share one
 * request); within `ttlMs` it is served without any request; after that the
 * cached version is still served at once while one background request
 * refreshes it (stale-while-revalidate). If a refresh fails, the last good
 * version keeps being served (and the error goes to `onError`); if the first
 * fetch fails, the caller's `fallback` is served, else the error is thrown.
 */
export class PromptsClient {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<Prompt>>();
  private fallbacks = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: PromptsOptions,
  ) {}

  /**
   * The prompt `name` at `label` (default `production`), from the cache when warm.
   *
   * @throws {FlywheelError} when the first fetch fails and no `fallback` is given
   *   (NOT_FOUND when the prompt or the label does not exist)
   */
  async get(name: string, options: GetPromptOptions = {}): Promise<Prompt> {
    const label = options.label ?? 'production';
    const ttlMs = options.ttlMs ?? this.options.ttlMs;
    const key = cacheKey(name, label);
    const entry = this.cache.get(key);
    if (entry) {
      const now = this.options.now();
      if (now - entry.fetchedAt >= ttlMs && now >= entry.retryAfter) {
        this.fetch(name, label).catch((error: unknown) => this.options.onError(asFlywheelError(error)));
      }
      return entry.prompt;
    }
    try {
      return await this.fetch(name, label);
    } catch (error) {
      if (options.fallback === undefined) throw error;
      this.fallbacks++;
      return fallbackPrompt(name, label, options.fallback, asFlywheelError(error));
    }
  }

  /**
   * Renders the prompt `name` at `label` locally: {@link get}, then the template
   * filled with `variables` by the server's rules (`{name}` a variable, `{{`
   * and `}}` literal braces).
   *
   * @throws {FlywheelError} BAD_USER_INPUT naming the missing variables (`extensions.missingVariables`)
   */
  async render(name: string, variables: Record<string, unknown>, options: GetPromptOptions = {}): Promise<RenderedPrompt> {
    const prompt = await this.get(name, options);
    return { text: prompt.render(variables), systemPrompt: prompt.systemPrompt, prompt };
  }

  /** Registers a version (`registerPrompt`); identical content returns the existing version with `created: false`. */
  async register(input: RegisterPromptInput): Promise<RegisterPromptMutation['registerPrompt']> {
    return (await this.transport.request(RegisterPromptDocument, { input })).registerPrompt;
  }

  /** Points `label` at version `number` (`setPromptLabel`) and drops this client's cached copy of that label. */
  async setLabel(name: string, label: string, number: number): Promise<PromptVersion> {
    const version = (await this.transport.request(SetPromptLabelDocument, { name, label, number })).setPromptLabel;
    this.cache.delete(cacheKey(name, label));
    return version;
  }

  /** Forgets cached prompts (all, or one name's). */
  invalidate(name?: string): void {
    if (name === undefined) this.cache.clear();
    else for (const key of [...this.cache.keys()]) if (key.startsWith(`${name}\u0000`)) this.cache.delete(key);
  }

  /** Cached prompts and fallbacks served so far. */
  stats(): { cached: number; fallbacks: number } {
    return { cached: this.cache.size, fallbacks: this.fallbacks };
  }

  /** One request per name and label at a time; success refreshes the cache, failure delays the next background try. */
  private fetch(name: string, label: string): Promise<Prompt> {
    const key = cacheKey(name, label);
    const running = this.inFlight.get(key);
    if (running) return running;
    const request = this.transport
      .request(PromptByLabelDocument, { name, label })
      .then((data) => {
        const version = data.prompt?.version;
        if (!data.prompt || !version) {
          throw new FlywheelError(data.prompt ? `Prompt '${name}' has no label '${label}'` : `No prompt named '${name}'`, {
            code: 'NOT_FOUND',
            extensions: { code: 'NOT_FOUND', name, label },
            operation: 'PromptByLabel',
          });
        }
        const prompt = versionPrompt(name, label, version);
        this.cache.set(key, { prompt, fetchedAt: this.options.now(), retryAfter: 0 });
        return prompt;
      })
      .catch((error: unknown) => {
        const entry = this.cache.get(key);
        if (entry) entry.retryAfter = this.options.now() + this.options.refreshRetryMs;
        throw error;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }
}

function cacheKey(name: string, label: string): string {
  return `${name}\u0000${label}`;
}

function versionPrompt(name: string, label: string, version: PromptVersion): Prompt {
  const systemPrompt = version.modelConfig.systemPrompt;
  return {
    name,
    label,
    template: version.template,
    systemPrompt,
    version,
    isFallback: false,
    fallbackReason: null,
    render: (variables) => renderChecked(version.template, variables, `prompt '${name}' version ${version.number}`),
  };
}

function fallbackPrompt(name: string, label: string, fallback: PromptFallback, reason: FlywheelError): Prompt {
  const template = typeof fallback === 'string' ? fallback : fallback.template;
  return {
    name,
    label,
    template,
    systemPrompt: typeof fallback === 'string' ? null : (fallback.systemPrompt ?? null),
    version: null,
    isFallback: true,
    fallbackReason: reason,
    render: (variables) => renderChecked(template, variables, `the fallback of prompt '${name}'`),
  };
}

/** libs/core's renderTemplate, with the server's BAD_USER_INPUT for missing variables. */
function renderChecked(template: string, variables: Record<string, unknown>, what: string): string {
  try {
    return renderTemplate(template, variables);
  } catch (error) {
    if (error instanceof TemplateError) {
      const missing = error.missingVariables;
      const message =
        missing.length > 0 ? `Missing variable${missing.length > 1 ? 's' : ''} ${missing.map((variable) => `'${variable}'`).join(', ')} for ${what}` : `${what}: ${error.message}`;
      throw new FlywheelError(message, {
        code: 'BAD_USER_INPUT',
        extensions: { code: 'BAD_USER_INPUT', field: missing.length > 0 ? 'variables' : 'template', missingVariables: missing },
      });
    }
    throw error;
  }
}

/** Any thrown value as a FlywheelError (a non-Flywheel error is a client bug, reported as such). */
export function asFlywheelError(error: unknown): FlywheelError {
  if (error instanceof FlywheelError) return error;
  return new FlywheelError(error instanceof Error ? error.message : String(error), { code: 'INTERNAL_CLIENT_ERROR', cause: error });
}
