/** A key → value map as a list of `{ key, value }` sorted by key. */
export function tagList(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.keys(tags)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => ({ key, value: tags[key] }));
}
