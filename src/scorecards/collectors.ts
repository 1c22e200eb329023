import type { FactCollector } from './fact-collector.js';
import { catalogCollector } from './collectors/catalog-collector.js';
import { deliveryCollector } from './collectors/delivery-collector.js';
import { platformCollector } from './collectors/platform-collector.js';
import { provenanceCollector } from './collectors/provenance-collector.js';
import { repositoryCollector } from './collectors/repository-collector.js';

/** Every fact collector Pave ships, one file each. */
export const COLLECTORS: readonly FactCollector[] = Object.freeze([catalogCollector, repositoryCollector, provenanceCollector, platformCollector, deliveryCollector]);

/** Every fact a rule may name, `<source>.<name>`, with its JSON type. */
export function knownFacts(collectors: readonly FactCollector[] = COLLECTORS): Map<string, string | string[]> {
  const facts = new Map<string, string | string[]>();
  for (const collector of collectors) for (const [name, schema] of Object.entries(collector.schema.properties)) facts.set(`${collector.id}.${name}`, schema.type);
  return facts;
}
