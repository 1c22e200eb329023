/**
 * What `pave score apply|render` send: the Score file, the team's namespace its requests are made in and,
 * optionally, the environment. One TypeBox schema for the routes, the service, the client and the portal.
 */
import { Type, type Static } from '@sinclair/typebox';

export const ScoreInputSchema = Type.Object(
  {
    score: Type.Object({}, { additionalProperties: true, description: 'The Score file (score.dev/v1b1), parsed' }),
    namespace: Type.String({ pattern: '^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$', description: "The team's namespace: its requests are made there, as the caller" }),
    environment: Type.Optional(Type.String({ pattern: '^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$', description: "Labels the requests and fills capabilities' environment field, e.g. dev or prod" })),
  },
  { additionalProperties: false },
);

export type ScoreInput = Static<typeof ScoreInputSchema>;
