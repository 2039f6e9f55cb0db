import { z } from 'zod';

// The live stream of the console: joins, leaves, messages and the outcomes of
// our actions, as they happen.

export const LiveItemTypeSchema = z.enum(['member.joined', 'member.left', 'message', 'action']);
export type LiveItemType = z.infer<typeof LiveItemTypeSchema>;

export const LiveItemSchema = z.object({
  id: z.string(),
  type: LiveItemTypeSchema,
  at: z.number(),
  groupId: z.string(),
  groupName: z.string(),
  personId: z.string().optional(),
  personName: z.string().optional(),
  text: z.string().optional(),
  /** send | kick | mute | … (type `action` only). */
  actionKind: z.string().optional(),
  /** sent | failed | unknown (type `action` only). */
  actionState: z.enum(['sent', 'failed', 'unknown']).optional(),
});
export type LiveItem = z.infer<typeof LiveItemSchema>;

export const LiveStreamQuerySchema = z.object({ groupId: z.string().min(1).max(64).optional() });

export const LiveRecentQuerySchema = z.object({
  groupId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
