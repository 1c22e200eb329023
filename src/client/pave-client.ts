import { ApiConnection } from './api-connection.js';
import { AuthApi } from './auth-api.js';
import { CatalogApi } from './catalog-api.js';
import { EventsApi } from './events-api.js';
import { DeliveryApi } from './delivery-api.js';
import { PlatformApi } from './platform-api.js';
import { ScorecardsApi } from './scorecards-api.js';
import { SurveysApi } from './surveys-api.js';
import { MaturityApi } from './maturity-api.js';
import { TemplatesApi } from './templates-api.js';
import { AnnouncementsApi } from './announcements-api.js';
import type { Transport } from './transport.js';

/**
 * A typed client for Pave's HTTP API, one area per property. Answers are typed with the server's own
 * types; a problem answer throws the `PaveError` the server raised, so callers report it as if the
 * service had thrown it.
 * @example
 *   const client = new PaveClient(httpTransport('https://pave.example.com', token));
 *   const entity = await client.catalog.entity({ kind: 'component', namespace: 'default', name: 'payments' });
 */
export class PaveClient {
  readonly catalog: CatalogApi;
  readonly auth: AuthApi;
  readonly templates: TemplatesApi;
  readonly platform: PlatformApi;
  readonly events: EventsApi;
  readonly scorecards: ScorecardsApi;
  readonly delivery: DeliveryApi;
  readonly surveys: SurveysApi;
  readonly maturity: MaturityApi;
  readonly announcements: AnnouncementsApi;

  constructor(readonly transport: Transport) {
    const api = new ApiConnection(transport);
    this.catalog = new CatalogApi(api);
    this.auth = new AuthApi(api);
    this.templates = new TemplatesApi(api);
    this.platform = new PlatformApi(api);
    this.events = new EventsApi(api);
    this.scorecards = new ScorecardsApi(api);
    this.delivery = new DeliveryApi(api);
    this.surveys = new SurveysApi(api);
    this.maturity = new MaturityApi(api);
    this.announcements = new AnnouncementsApi(api);
  }
}
