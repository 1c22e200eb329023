import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AnnouncementsService } from '../../announcements/announcements-service.js';
import { MAX_AUDIENCE, MAX_TEXT, MAX_TITLE } from '../../announcements/announcement.js';
import { errorResponses } from '../schemas.js';
import { auditContext } from '../authorize.js';

const AnnouncementSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  text: Type.String({ description: 'Markdown' }),
  audience: Type.Array(Type.String(), { description: 'Group refs it is shown to; empty for everyone' }),
  publishedAt: Type.String(),
  expiresAt: Type.Optional(Type.String()),
  author: Type.String({ description: 'Who published it' }),
});

/** Lengths and formats are checked by the service, which names each mistake (422); here only the JSON types and sizes. */
const AnnouncementBody = Type.Object(
  {
    title: Type.String({ maxLength: MAX_TITLE * 2 }),
    text: Type.String({ maxLength: MAX_TEXT * 2, description: 'Markdown' }),
    audience: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: MAX_AUDIENCE * 2, description: 'Group refs; everyone when absent or empty' })),
    expiresAt: Type.Optional(Type.String({ description: 'When it stops being shown (ISO 8601); until withdrawn when absent' })),
  },
  { additionalProperties: false },
);

/** Announcements under /api/announcements: each handler is one call to the announcements service. */
export const announcementsRoutes: FastifyPluginAsyncTypebox<{ announcements: AnnouncementsService }> = async (api, { announcements }) => {
  api.get(
    '',
    {
      config: { permission: { action: 'announcements.announcement.read' } },
      schema: {
        tags: ['announcements'],
        summary: 'The announcements shown to the caller now, newest first (every one with all=true, for those who manage them)',
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(AnnouncementSchema) }), ...errorResponses(400, 401, 403) },
      },
    },
    async request => ({ items: await announcements.list(request.identity, request.query) }),
  );

  api.post(
    '',
    {
      config: { permission: { action: 'announcements.announcement.manage' } },
      schema: { tags: ['announcements'], summary: 'Publish an announcement', body: AnnouncementBody, response: { 201: AnnouncementSchema, ...errorResponses(400, 401, 403, 422) } },
    },
    async (request, reply) => reply.status(201).send(await announcements.publish(request.identity, request.body, auditContext(request))),
  );

  api.delete(
    '/:id',
    {
      config: { permission: { action: 'announcements.announcement.manage' } },
      schema: { tags: ['announcements'], summary: 'Withdraw an announcement from every home page', params: Type.Object({ id: Type.String() }), response: { 200: AnnouncementSchema, ...errorResponses(401, 403, 404) } },
    },
    async request => announcements.withdraw(request.identity, request.params.id, auditContext(request)),
  );
};
