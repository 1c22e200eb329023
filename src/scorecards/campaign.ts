import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { canonicalRef } from './canonical-ref.js';

/** An entity left out of a campaign, why, until when and by whom. */
export interface CampaignExemption {
  entity: string;
  reason: string;
  /** UTC ISO date; absent: for the campaign's whole life. */
  expires?: string;
  grantedBy?: string;
}

/** A Campaign entity as the module uses it: a scorecard level (or some of its rules) to reach by a date. */
export interface Campaign {
  ref: string;
  name: string;
  title: string;
  description?: string;
  owner?: string;
  scorecard: string;
  /** The level every selected entity should reach… */
  level?: string;
  /** …or the rules that should pass. */
  rules?: string[];
  start: string;
  target: string;
  exemptions: CampaignExemption[];
}

/** The campaign an entity of kind Campaign describes (validated at ingest). */
export function campaignOf(entity: Entity): Campaign {
  const spec = (entity.spec ?? {}) as Record<string, any>;
  return {
    ref: entityRefOf(entity),
    name: entity.metadata.name,
    title: typeof entity.metadata.title === 'string' ? entity.metadata.title : entity.metadata.name,
    ...(typeof entity.metadata.description === 'string' ? { description: entity.metadata.description } : {}),
    ...(typeof spec.owner === 'string' ? { owner: canonicalRef(spec.owner, 'group', entity.metadata.namespace) } : {}),
    scorecard: canonicalRef(String(spec.scorecard), 'scorecard', entity.metadata.namespace),
    ...(typeof spec.level === 'string' ? { level: spec.level } : {}),
    ...(Array.isArray(spec.rules) ? { rules: spec.rules.map(String) } : {}),
    start: String(spec.start),
    target: String(spec.target),
    exemptions: (Array.isArray(spec.exemptions) ? spec.exemptions : []).map((e: any) => ({
      entity: canonicalRef(String(e.entity), 'component', entity.metadata.namespace),
      reason: String(e.reason),
      ...(e.expires ? { expires: String(e.expires) } : {}),
      ...(e.grantedBy ? { grantedBy: String(e.grantedBy) } : {}),
    })),
  };
}
