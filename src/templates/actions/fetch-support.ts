/**
 * What the fetch actions share: how a skeleton file is rendered (the sandboxed engine, with limits
 * sized for files), how binary files are recognised, and where the fetched tree lands.
 */
import type { Limits } from '../expressions/index.js';
import { renderFile } from '../expressions/index.js';

/** Files may be larger than step inputs; the engine's other limits (time, loops, depth) still apply. */
export const FILE_LIMITS: Partial<Limits> = { maxSourceSize: 8 * 1024 * 1024, maxOutputSize: 16 * 1024 * 1024, timeBudgetMs: 5_000 };

/** A file is binary when its first 8 KiB hold a NUL byte (as git decides). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}

/** The context skeleton files see: `values` (or `cookiecutter` in cookiecutter mode). */
export function fileContext(values: unknown, cookiecutterCompat: boolean | undefined): Record<string, unknown> {
  return { [cookiecutterCompat ? 'cookiecutter' : 'values']: values ?? {} };
}

export function renderText(text: string, context: Record<string, unknown>, cookiecutterCompat: boolean | undefined): string {
  return renderFile(text, context, { cookiecutterCompat: Boolean(cookiecutterCompat), limits: FILE_LIMITS });
}

/** Backstage's rule: a rendered path that is empty, or has an empty segment, means "skip this entry". */
export function isSkippedPath(path: string): boolean {
  return path === '' || path.startsWith('/') || path.includes('//');
}
