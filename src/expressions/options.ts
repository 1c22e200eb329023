/**
 * Options every public entry point of the expression engine accepts.
 */
import type { CustomFilter } from './filter-types.js';
import type { Limits } from './limits.js';
import type { SecretSources } from './secret-taint.js';

export interface TemplateOptions {
  /**
   * Cookiecutter/Jinja compatibility (Backstage's `cookiecutterCompat`): `{{ … }}` is an
   * expression too (`${{ … }}` still is), and the methods whose Python and JavaScript
   * meanings differ (`replace`, `split()`) follow Python.
   */
  cookiecutterCompat?: boolean;
  /** Overrides of the default limits (`DEFAULT_LIMITS`). */
  limits?: Partial<Limits>;
  /** Extra filters registered by Pave itself (never by templates); they win over built-ins. */
  filters?: Readonly<Record<string, CustomFilter>>;
  /**
   * What in the context is secret (e.g. `{ roots: ['secrets'] }`): every value derived from it
   * is tracked, and `RenderSession.secretStrings()` lists the secret-derived strings made.
   */
  secrets?: SecretSources;
}

export interface CheckOptions extends TemplateOptions {
  /** JSON pointer put on each returned field error, e.g. `/spec/steps/0/input/name`. */
  pointer?: string;
}
