/**
 * What the metrics read at each scrape, from the services that own the data (the operations module reads no
 * other module's tables): wired in `module.ts`, where every service is at hand.
 */
export interface MetricSources {
  /** Jobs by queue and state, with the oldest run time (the store's job queue). */
  jobs(): Promise<Array<{ queue: string; state: string; count: number; oldestRunAt: string | null }>>;
  /** Catalog entities by kind. */
  entityKinds(): Promise<Array<{ value: string; count: number }>>;
  /** Webhook deliveries by state. */
  webhookDeliveries(): Promise<Partial<Record<string, number>>>;
  /** Each durable event consumer's cursor, and the newest event. */
  consumerPositions(): Promise<{ latest: number; consumers: Array<{ name: string; position: number }> }>;
  /** This process's line of searches waiting to be ranked: waiting now, and abandoned (client gone) and refused (line full) so far. */
  searchLine(): { waiting: number; abandoned: number; refused: number };
}
