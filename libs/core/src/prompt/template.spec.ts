import fc from 'fast-check';
import { parseTemplate, renderTemplate, templateVariables, TemplateError } from './template';

describe('templateVariables', () => {
  it.each([
    ['Summarize: {text}', ['text']],
    ['{a} and {b} and {a}', ['a', 'b']],
    ['JSON: {{"k": {value}}}', ['value']],
    ['no variables', []],
    ['{{literal}}', []],
    ['{_x1}{y_2}', ['_x1', 'y_2']],
  ])('%j → %j', (template, expected) => {
    expect(templateVariables(template)).toEqual(expected);
  });

  it.each([
    ['Unbalanced {text', "'{' at position 11"],
    ['Stray } here', "'}' at position 6"],
    ['{}', "'{' at position 0"],
    ['{1abc}', "'{' at position 0"],
    ['{a b}', "'{' at position 0"],
  ])('rejects %j naming the position', (template, fragment) => {
    expect(() => parseTemplate(template)).toThrow(TemplateError);
    expect(() => parseTemplate(template)).toThrow(fragment);
  });
});

describe('renderTemplate', () => {
  it('fills variables and unescapes braces', () => {
    expect(renderTemplate('Summarize: {text} {{ok}}', { text: 'abc' })).toBe('Summarize: abc {ok}');
  });

  it('writes non-strings as JSON', () => {
    expect(renderTemplate('{n} {b} {o}', { n: 3, b: true, o: { k: [1] } })).toBe('3 true {"k":[1]}');
  });

  it('names every missing variable', () => {
    try {
      renderTemplate('{a} {b} {c} {a}', { b: 'x' });
      throw new Error('expected a TemplateError');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).missingVariables).toEqual(['a', 'c']);
      expect((error as Error).message).toContain("'a', 'c'");
    }
  });

  it('round-trips any text without braces unchanged (property)', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('{') && !s.includes('}')), (text) => renderTemplate(text, {}) === text));
  });

  it('escaped braces render as single braces (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = text.replace(/\{/g, '{{').replace(/\}/g, '}}');
        return renderTemplate(escaped, {}) === text;
      }),
    );
  });
});
