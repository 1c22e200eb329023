import { CatalogService } from '../../src/catalog/catalog-service.js';
import type { CatalogConfig } from '../../src/catalog/catalog-config.js';
import { defaultConfig } from '../../src/pave-config.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { EventLog } from '../../src/store/event-log.js';
import { JobQueue } from '../../src/store/job-queue.js';
import type { Store } from '../../src/store/store.js';

/** The catalog as the app builds it, over a test's store: its own event log, audit log and job queue (owner `test`). */
export function catalogServiceOver(store: Store, config: CatalogConfig = defaultConfig().catalog): CatalogService {
  return new CatalogService({ store, eventLog: new EventLog(store), audit: new AuditLog(store), queue: new JobQueue(store, { owner: 'test' }), config });
}
