/**
 * Action globs: `*` matches any run of characters (dots included), everything else matches itself,
 * case-insensitively. `catalog.entity.*` matches `catalog.entity.read`; `*.read` matches every read;
 * `*` matches everything. Pure: no I/O.
 */

const compiled = new Map<string, RegExp>();

/**
 * Whether an action (or any string, such as an entity ref) matches a glob.
 * @example globMatches('catalog.entity.*', 'catalog.entity.read') // true
 */
export function globMatches(glob: string, value: string): boolean {
  let pattern = compiled.get(glob);
  if (!pattern) {
    const body = glob
      .split('*')
      .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    pattern = new RegExp(`^${body}$`, 'is');
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(glob, pattern);
  }
  return pattern.test(value);
}

/** Whether any of the globs matches. */
export function anyGlobMatches(globs: readonly string[], value: string): boolean {
  return globs.some(glob => globMatches(glob, value));
}
