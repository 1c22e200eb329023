import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** The maturity assessment (`maturity:` in `pave.config.yaml`). */
export interface MaturityConfig {
  /** The Chromium that renders the report as PDF (PAVE_CHROMIUM_PATH). */
  chromiumPath: string;
}

export function defaultMaturityConfig(): MaturityConfig {
  return { chromiumPath: '/usr/bin/chromium' };
}

/** @example loadConfig({ env: { PAVE_CHROMIUM_PATH: '/opt/chromium/chrome' } }).maturity.chromiumPath */
export const maturityConfigSection: ConfigSection<'maturity', MaturityConfig> = {
  key: 'maturity',
  defaults: defaultMaturityConfig,
  fromEnvironment: (maturity, { env }) => (env.PAVE_CHROMIUM_PATH ? { ...maturity, chromiumPath: env.PAVE_CHROMIUM_PATH } : maturity),
  validate: maturity => fieldChecks(check => check(typeof maturity.chromiumPath === 'string' && maturity.chromiumPath.startsWith('/'), '/chromiumPath', 'must be an absolute path to a Chromium executable (PAVE_CHROMIUM_PATH)')),
};
