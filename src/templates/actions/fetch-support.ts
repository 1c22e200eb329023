/**
 * What the fetch actions share: how skeleton files are rendered (the sandboxed engine, with limits
 * sized for files), how binary files are recognised, and where the fetched tree lands.
 */
import type { EvaluateOptions, Limits } from '../../expressions/index.js';

/** Files may be larger than step inputs; the engine's other limits (time, loops, depth) still apply. */
export const FILE_LIMITS: Partial<Limits> = { maxSourceSize: 8 * 1024 * 1024, maxOutputSize: 16 * 1024 * 1024, timeBudgetMs: 5_000 };

/** Files rendered per request to the engine: a batch ends at this many files or this much text. */
export const FILES_PER_BATCH = 100;
export const BATCH_BYTES = 4 * 1024 * 1024;

/** A file is binary when its first 8 KiB hold a NUL byte (as git decides). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}

/** The context skeleton files see: `values` (or `cookiecutter` in cookiecutter mode). */
export function fileContext(values: unknown, cookiecutterCompat: boolean | undefined): Record<string, unknown> {
  return { [cookiecutterCompat ? 'cookiecutter' : 'values']: values ?? {} };
}

/**
 * Engine options for skeleton files (contents and names).
 * @example await ctx.expressions.renderFile(text, fileContext(values, false), fileOptions(false));
 */
export function fileOptions(cookiecutterCompat: boolean | undefined): EvaluateOptions {
  return { cookiecutterCompat: Boolean(cookiecutterCompat), limits: FILE_LIMITS };
}

/** Backstage's rule: a rendered path that is empty, or has an empty segment, means "skip this entry". */
export function isSkippedPath(path: string): boolean {
  return path === '' || path.startsWith('/') || path.includes('//');
}
