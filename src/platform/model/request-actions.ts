/**
 * What the caller may do with one request now, as the server's rules decide (TypeBox): the route answers with it
 * and the portal offers only those buttons. The routes that act still check each action themselves.
 */
import { Type, type Static } from '@sinclair/typebox';

export const RequestActionsSchema = Type.Object(
  {
    delete: Type.Boolean({ description: 'platform.request.delete on the request (its document as the rules\u2019 input)' }),
    extend: Type.Boolean({ description: 'platform.request.extend on the request' }),
    decide: Type.Boolean({ description: 'platform.approval.decide on the request\u2019s approving groups' }),
  },
  { additionalProperties: false },
);

export type RequestActions = Static<typeof RequestActionsSchema>;
