/**
 * Orders strings by UTF-16 code units, as `<` does: the same everywhere, unlike `localeCompare`, and for
 * text below U+E000 the order of SQLite's BINARY and PostgreSQL's C collation.
 * @example rows.sort((a, b) => compareText(a.key, b.key))
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
