import { parse } from 'yaml';

/** Parses a JSON or YAML definition; returns the error message instead of throwing. */
export function parseDefinition(text: string): { doc?: Record<string, unknown>; error?: string } {
  try {
    const doc = parse(text) as unknown;
    if (!doc || typeof doc !== 'object') return { error: 'The definition is not a YAML or JSON object.' };
    return { doc: doc as Record<string, unknown> };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
