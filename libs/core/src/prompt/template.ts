/**
 * Prompt templates use the seed's syntax, Python's `str.format` placeholders:
 * `{name}` is a variable, `{{` and `}}` are literal braces. Anything else with
 * a brace is an error, found when the template is registered rather than when
 * it is first rendered in production.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A piece of a parsed template: literal text or a variable reference. */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'variable'; name: string };

/** Raised for a malformed template or a render that lacks variables. */
export class TemplateError extends Error {
  constructor(
    message: string,
    /** The variables a render was missing, in order of first use. */
    readonly missingVariables: readonly string[] = [],
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * Splits a template into literal text and `{variable}` references.
 *
 * @throws {TemplateError} naming the position of an unbalanced brace or an invalid variable name
 * @example parseTemplate('Hi {name}!') // [{kind:'text',text:'Hi '},{kind:'variable',name:'name'},{kind:'text',text:'!'}]
 */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{') {
      if (template[i + 1] === '{') {
        text += '{';
        i += 2;
        continue;
      }
      const close = template.indexOf('}', i + 1);
      const name = close === -1 ? '' : template.slice(i + 1, close);
      if (close === -1 || !NAME.test(name)) {
        throw new TemplateError(
          `parseTemplate: '{' at position ${i} does not start a {variable} (a name of letters, digits and _); write '{{' for a literal brace`,
        );
      }
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'variable', name });
      i = close + 1;
      continue;
    }
    if (ch === '}') {
      if (template[i + 1] === '}') {
        text += '}';
        i += 2;
        continue;
      }
      throw new TemplateError(`parseTemplate: '}' at position ${i} closes nothing; write '}}' for a literal brace`);
    }
    text += ch;
    i += 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

/**
 * The distinct variable names of a template, in order of first appearance.
 *
 * @example templateVariables('{a} and {b} and {a}') // ['a', 'b']
 */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const part of parseTemplate(template)) if (part.kind === 'variable') names.add(part.name);
  return [...names];
}

/**
 * Fills a template's variables. Values that are not strings are written as
 * JSON (numbers and booleans as they print). Extra variables are ignored, as
 * Python's `str.format` ignores unused keyword arguments.
 *
 * @throws {TemplateError} listing every missing variable (in `missingVariables` too)
 * @example renderTemplate('Summarize: {text}', { text: 'abc' }) // 'Summarize: abc'
 */
export function renderTemplate(template: string, variables: Readonly<Record<string, unknown>>): string {
  const parts = parseTemplate(template);
  const missing: string[] = [];
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(variables, part.name) || variables[part.name] === undefined) {
      if (!missing.includes(part.name)) missing.push(part.name);
      continue;
    }
    const value = variables[part.name];
    out += typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (missing.length > 0) {
    throw new TemplateError(
      `renderTemplate: missing variable${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`,
      missing,
    );
  }
  return out;
}
