import { z } from 'zod';

/** Group types of DOMAIN §3: 引流群, 新用户群, 训练营, 交付群, 铁粉群, 同城群. */
export const GroupTypeSchema = z.enum(['traffic', 'new_user', 'camp', 'delivery', 'vip', 'local', 'other']);
export type GroupType = z.infer<typeof GroupTypeSchema>;

export const TagsSchema = z.array(z.string().min(1).max(32)).max(20);

export const GroupSchema = z.object({
  id: z.string(),
  connectorId: z.string(),
  chatId: z.string(),
  name: z.string(),
  type: GroupTypeSchema,
  tags: z.array(z.string()),
  ownerPersonId: z.string().nullable(),
  state: z.enum(['active', 'dismissed']),
  memberCount: z.number().int(),
  createdAt: z.number(),
  dismissedAt: z.number().nullable(),
});
export type Group = z.infer<typeof GroupSchema>;

export const GroupPatchSchema = z
  .object({ type: GroupTypeSchema.optional(), tags: TagsSchema.optional(), ownerPersonId: z.string().min(1).max(64).nullable().optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type GroupPatch = z.infer<typeof GroupPatchSchema>;

export const GroupQuerySchema = z.object({
  type: GroupTypeSchema.optional(),
  tag: z.string().max(32).optional(),
  state: z.enum(['active', 'dismissed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().max(64).optional(),
});
export type GroupQuery = z.infer<typeof GroupQuerySchema>;

export const MembershipSchema = z.object({
  id: z.string(),
  personId: z.string(),
  personName: z.string().nullable(),
  role: z.string(),
  joinedAt: z.number(),
  leftAt: z.number().nullable(),
  via: z.string(),
  inviterPersonId: z.string().nullable(),
  leftReason: z.string().nullable(),
  source: z.string(),
  confidence: z.number(),
});
export type Membership = z.infer<typeof MembershipSchema>;

export const MembersQuerySchema = z.object({
  /** current: people in the group now; history: every stint, joins and leaves. */
  view: z.enum(['current', 'history']).default('current'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const ChatMessageSchema = z.object({
  id: z.string(),
  personId: z.string(),
  externalId: z.string(),
  at: z.number(),
  message: z.unknown(),
  redacted: z.boolean(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const MessagesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().optional(),
});
