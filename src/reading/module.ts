/**
 * Reading URLs as a Pave module: the one URL reader (and its allow-list) that every module taking remote
 * references uses. No routes and no permissions of its own: what may be read is the operator's setting.
 */
import { defineModule } from '../pave-module.js';
import { readingConfigSection } from './reading-config.js';
import type { UrlReader } from './url-reader.js';

export const readingModule = defineModule({
  name: 'reading',
  description: 'Reads http(s) URLs under the reading allow-list, with size, time, redirect and address limits',
  requires: ['integrations'],
  config: readingConfigSection,
  permissions: [],
  // File pages of configured git hosts are read through the host's API with its credentials (integrations module).
  create: async ({ config, app }): Promise<UrlReader> => new (await import('./url-reader.js')).UrlReader(config.reading, { hostedBlobs: app.integrations }),
});
