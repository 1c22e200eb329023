/** True for a non-null object that is not an array: what a parsed YAML or JSON mapping is. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
