import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createApp, type PaveApp } from '../app.js';

export interface GlobalOptions {
  json: boolean;
  config?: string;
}

/** Opens the configured store for one command and always closes it. */
export async function withApp<T>(globals: GlobalOptions, work: (app: PaveApp) => Promise<T>): Promise<T> {
  const config = loadConfig({ file: globals.config });
  // One-shot commands do not run the golden-path task worker; `pave serve` does.
  const app = await createApp(config, { logger: createLogger('silent'), taskWorker: false });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
