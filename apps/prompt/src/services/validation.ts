import { BadUserInputError } from '@flywheel/server';

// Input rules of the prompt registry. Each failure is a BAD_USER_INPUT naming
// the field, raised before any write.

export const PROMPT_NAME = /^[A-Za-z0-9._/-]{1,128}$/;
export const LABEL_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const MAX_TEMPLATE_LENGTH = 100_000;
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_METADATA_BYTES = 64 * 1024;

export function checkPromptName(name: string, field = 'name'): void {
  if (!PROMPT_NAME.test(name)) {
    throw new BadUserInputError(
      `${field} must be 1–128 characters of letters, digits, '.', '_', '-' and '/'; got ${JSON.stringify(name.slice(0, 140))}`,
      { field },
    );
  }
}

export function checkLabel(label: string, field = 'label'): void {
  if (!LABEL_NAME.test(label)) {
    throw new BadUserInputError(`${field} must be 1–64 characters of letters, digits, '.', '_' and '-'; got ${JSON.stringify(label.slice(0, 80))}`, { field });
  }
}

/** PostgreSQL text and jsonb cannot hold U+0000; say so instead of failing in the driver. */
export function checkText(value: string | null | undefined, field: string, maxLength = MAX_TEXT_LENGTH): void {
  if (value == null) return;
  if (value.length > maxLength) {
    throw new BadUserInputError(`${field} is ${value.length} characters long; the limit is ${maxLength}`, { field, limit: maxLength });
  }
  if (value.includes('\u0000')) throw new BadUserInputError(`${field} contains a NUL character (U+0000), which cannot be stored`, { field });
}

export function checkJson(value: unknown, field: string, maxBytes = MAX_METADATA_BYTES): void {
  if (value === undefined || value === null) return;
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > maxBytes) {
    throw new BadUserInputError(`${field} is larger than ${maxBytes} bytes of JSON`, { field, limit: maxBytes });
  }
  if (text.includes('\\u0000')) throw new BadUserInputError(`${field} contains a NUL character (U+0000), which cannot be stored`, { field });
}

export function checkRange(value: number | null | undefined, field: string, min: number, max: number): void {
  if (value == null) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new BadUserInputError(`${field} must be between ${min} and ${max}; got ${value}`, { field });
  }
}

