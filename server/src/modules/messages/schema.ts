import { z } from 'zod';
import { MessageSchema } from '../../platforms/message.js';

// One send through the whole pipeline: outbox (idempotency key) → dispatcher
// (rate limits, quiet hours, capabilities, retries) → adapter → delivery record.

export const TargetSchema = z.union([
  z.object({ groupId: z.string().min(1).max(64) }).strict(),
  z.object({ chatId: z.string().min(1).max(128), connectorId: z.string().min(1).max(64) }).strict(),
  z.object({ personId: z.string().min(1).max(64), connectorId: z.string().min(1).max(64).optional() }).strict(),
]);

export const SendSchema = z
  .object({
    target: TargetSchema,
    message: MessageSchema,
    /** The caller's key: the same key twice is one message. */
    idempotencyKey: z.string().min(1).max(200),
    /** The sending account; default: the connector's default account. */
    accountId: z.string().min(1).max(64).optional(),
    /** Send no earlier than this (epoch ms). */
    notBefore: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SendRequest = z.infer<typeof SendSchema>;

export const DeliverySchema = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  connectorId: z.string(),
  accountId: z.string().nullable(),
  kind: z.string(),
  chatId: z.string().nullable(),
  groupId: z.string().nullable(),
  personId: z.string().nullable(),
  lane: z.string(),
  state: z.enum(['pending', 'sending', 'sent', 'failed', 'unknown']),
  attempts: z.number().int(),
  notBefore: z.number(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
  error: z.string().nullable(),
  cause: z.string(),
  taskId: z.string().nullable(),
  body: z.unknown(),
});

export const DeliveryQuerySchema = z.object({
  state: z.enum(['pending', 'sending', 'sent', 'failed', 'unknown']).optional(),
  groupId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().max(64).optional(),
});
