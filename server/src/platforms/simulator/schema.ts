import { z } from 'zod';
import { MessageSchema } from '../message.js';
import { SimProfileSchema } from '../connectors/schema.js';
import { GroupTypeSchema, TagsSchema } from '../../modules/groups/index.js';

// The simulator control API: a stable contract that scripts and checks depend on.

const personId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:@-]+$/, 'letters, digits and _ . : @ -');
const Person = z.object({ id: personId, name: z.string().min(1).max(64) }).strict();
const chatId = z.string().min(1).max(64);

export const SimGroupCreateSchema = z
  .object({
    name: z.string().min(1).max(64),
    type: GroupTypeSchema.optional(),
    tags: TagsSchema.optional(),
    profile: SimProfileSchema.default('full'),
    people: z
      .array(Person.extend({ role: z.enum(['owner', 'admin', 'staff', 'member']).default('member') }).strict())
      .max(2000)
      .default([]),
  })
  .strict();
export type SimGroupCreate = z.infer<typeof SimGroupCreateSchema>;

export const SimGroupSchema = z.object({
  id: z.string(),
  chatId: z.string(),
  connectorId: z.string(),
  profile: SimProfileSchema,
  name: z.string(),
  type: GroupTypeSchema,
  tags: z.array(z.string()),
  memberCount: z.number().int(),
});

export const SimEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('join'),
      chatId,
      person: Person,
      inviterId: personId.optional(),
      via: z.enum(['invite', 'link', 'qr', 'live_code', 'unknown']).optional(),
      inviteCode: z.string().max(256).optional(),
    })
    .strict(),
  z.object({ type: z.literal('leave'), chatId, personId }).strict(),
  z
    .object({
      type: z.literal('message'),
      chatId,
      personId,
      text: z.string().min(1).max(4096).optional(),
      /** A non-text message in the common format (image, link card, mini-program, file). */
      message: MessageSchema.optional(),
      id: z.string().min(1).max(128).optional(),
    })
    .strict()
    .refine((e) => (e.text === undefined) !== (e.message === undefined), 'give text or message, not both'),
  z
    .object({
      type: z.literal('dm'),
      /** The sending account spoken to (its external id; default the simulator's bot). */
      accountId: z.string().min(1).max(64).optional(),
      personId,
      name: z.string().min(1).max(64).optional(),
      text: z.string().min(1).max(4096),
      id: z.string().min(1).max(128).optional(),
      profile: SimProfileSchema.default('full'),
    })
    .strict(),
  z
    .object({
      type: z.literal('friend'),
      accountId: z.string().min(1).max(64),
      person: Person,
      state: z.string().max(256).optional(),
      profile: SimProfileSchema.default('full'),
    })
    .strict(),
]);
export type SimEvent = z.infer<typeof SimEventSchema>;

export const SimEventsBodySchema = z.object({ events: z.array(z.unknown()).min(1).max(5000) }).strict();

export const SimClockBodySchema = z.union([
  z.object({ advanceMs: z.number().int().min(0).max(10 * 366 * 24 * 3600 * 1000) }).strict(),
  z.object({ to: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]) }).strict(),
]);

export const TranscriptItemSchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  kind: z.enum(['send', 'kick', 'mute', 'unmute', 'announce', 'rename', 'recall']),
  accountId: z.string().nullable(),
  text: z.string().optional(),
  mentions: z.array(z.string()).optional(),
  mentionAll: z.boolean().optional(),
  replyTo: z.string().optional(),
  personId: z.string().optional(),
  until: z.number().optional(),
  message: z.unknown().optional(),
  actionId: z.string(),
});
export type TranscriptItem = z.infer<typeof TranscriptItemSchema>;
