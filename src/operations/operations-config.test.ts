import { describe, expect, it } from 'vitest';
import { loadConfig } from '../pave-config.js';
import { isPaveError } from '../core/problem.js';

const NO_FILE = '/nonexistent/pave.config.yaml';

describe('operations configuration', () => {
  it('defaults to metrics on the main port without a token and a 25 s grace period', () => {
    expect(loadConfig({ env: {}, file: NO_FILE }).operations).toEqual({ metrics: { enabled: true }, shutdownGraceSeconds: 25 });
  });

  it('reads PAVE_METRICS_* and PAVE_SHUTDOWN_GRACE_SECONDS', () => {
    const env = { PAVE_METRICS_TOKEN: 'a-scrape-token-of-length', PAVE_METRICS_PORT: '9464', PAVE_METRICS_HOST: '0.0.0.0', PAVE_SHUTDOWN_GRACE_SECONDS: '40' };
    expect(loadConfig({ env, file: NO_FILE }).operations).toEqual({ metrics: { enabled: true, token: 'a-scrape-token-of-length', port: 9464, host: '0.0.0.0' }, shutdownGraceSeconds: 40 });
    expect(loadConfig({ env: { PAVE_METRICS_ENABLED: 'false' }, file: NO_FILE }).operations.metrics.enabled).toBe(false);
  });

  it('names each mistake with its field and variable', () => {
    let mistakes: string[] = [];
    try {
      loadConfig({ env: { PAVE_METRICS_TOKEN: 'short', PAVE_METRICS_PORT: '70000', PAVE_SHUTDOWN_GRACE_SECONDS: '-1' }, file: NO_FILE });
    } catch (error) {
      if (!isPaveError(error)) throw error;
      mistakes = (error.problem.errors ?? []).map(e => `${e.pointer}: ${e.detail}`);
    }
    expect(mistakes).toEqual([
      '/operations/metrics/token: must be at least 16 characters without spaces (PAVE_METRICS_TOKEN)',
      '/operations/metrics/port: must be a whole number from 0 to 65535 (PAVE_METRICS_PORT)',
      '/operations/shutdownGraceSeconds: must be a positive number of seconds (PAVE_SHUTDOWN_GRACE_SECONDS)',
    ]);
  });
});
