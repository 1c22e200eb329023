/** JSON Schema fragments shared by the built-in kinds' spec schemas. */
import type { SpecSchema } from '../spec-schema.js';

/** A string with at least one character (Backstage's `minLength: 1`). */
export function nonEmptyString(): SpecSchema {
  return { type: 'string', minLength: 1 };
}

/** A list of non-empty strings, e.g. entity refs. */
export function nonEmptyStringList(): SpecSchema {
  return { type: 'array', items: nonEmptyString() };
}

/** A person's or group's profile (`displayName`, `email`, `picture`), other fields allowed. */
export function profile(): SpecSchema {
  return {
    type: 'object',
    properties: { displayName: nonEmptyString(), email: nonEmptyString(), picture: nonEmptyString() },
  };
}

/** The `owner` relation field most kinds share: `owner: team-a` means `group:<own namespace>/team-a`. */
export const OWNER_FIELD = { field: 'owner', type: 'ownedBy', reverse: 'ownerOf', defaultKind: 'Group' } as const;
