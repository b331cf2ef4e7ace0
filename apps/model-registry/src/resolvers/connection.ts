import type { Page } from '../services/validation';

/** A service page as a Relay-style connection. */
export function connection<T>(page: Page<T>) {
  const edges = page.items.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    nodes: page.items,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}

/** A key → value map as a list of `{ key, value }` sorted by key. */
export function tagList(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.keys(tags)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => ({ key, value: tags[key] }));
}
