import { BadUserInputError } from './errors';

/** One page of a list, as services return it. */
export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  cursorOf(item: T): string;
}

/** A service page as a Relay-style connection (`edges`, `nodes`, `pageInfo`). */
export function connection<T>(page: Page<T>) {
  const edges = page.items.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    nodes: page.items,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}

/** `first` of a paged query, 20 by default. @throws {BadUserInputError} outside 1..max */
export function checkPageSize(first: number | null | undefined, field = 'first', max = 100): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new BadUserInputError(`${field} must be between 1 and ${max}; got ${size}`, { field });
  }
  return size;
}

/** An opaque cursor for a position key (a name, a number as text). */
export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

/** The position key of a cursor made by {@link encodeCursor}. @throws {BadUserInputError} for anything else */
export function decodeCursor(cursor: string, field = 'after'): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!value || encodeCursor(value) !== cursor) throw new BadUserInputError(`${field} is not a cursor of this list`, { field });
  return value;
}
