import { z } from 'zod';

// The connector's configuration and the slice of the Bot API's wire format
// this adapter reads (https://core.telegram.org/bots/api#update), validated at
// the boundary. Unknown fields pass through: Telegram adds fields often.

export const TelegramConfigSchema = z
  .object({
    /** From @BotFather, "123456789:AA…"; sealed with the connector. */
    botToken: z.string().regex(/^\d{3,20}:[A-Za-z0-9_-]{20,100}$/, 'a bot token looks like 123456789:AA…'),
    /** How updates arrive: Telegram posts them to our webhook, or we long-poll getUpdates. */
    mode: z.enum(['webhook', 'polling']).default('webhook'),
    /** Checked against X-Telegram-Bot-Api-Secret-Token on every webhook call (1–256 of A-Z a-z 0-9 _ -). */
    webhookSecret: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 characters of A-Z a-z 0-9 _ -').optional(),
    /** The Bot API root; point it at a local Bot API server or the fake server in tests. */
    apiRoot: z.url().max(2048).default('https://api.telegram.org'),
    /** kick = ban then unban at once (the member may come back through a link); ban keeps them out. */
    kickMode: z.enum(['kick', 'ban']).default('kick'),
    /** Approve join requests (links with creates_join_request) as they come; the join then arrives with its link. */
    approveJoinRequests: z.boolean().default(false),
    /** Call setWebhook at start with QUNYUN_PUBLIC_URL (webhook mode). */
    registerWebhook: z.boolean().default(true),
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
  })
  .strict()
  .refine((config) => config.mode === 'polling' || config.webhookSecret !== undefined, { message: 'webhook mode needs a webhookSecret', path: ['webhookSecret'] });
export type TelegramConfig = z.infer<typeof TelegramConfigSchema>;

/** The bot's numeric id is the token's prefix: the sending account, known without a call. */
export function botIdOf(token: string): string {
  return token.slice(0, token.indexOf(':'));
}

// ── wire format (subset) ────────────────────────────────────────────────────

export const TgUserSchema = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
export type TgUser = z.infer<typeof TgUserSchema>;

export const TgChatSchema = z.looseObject({
  id: z.number().int(),
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: z.string().optional(),
});

const TgEntitySchema = z.looseObject({ type: z.string(), offset: z.number().int(), length: z.number().int(), user: TgUserSchema.optional() });

export const TgMessageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: TgChatSchema,
  from: TgUserSchema.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(TgEntitySchema).optional(),
  reply_to_message: z.looseObject({ message_id: z.number().int() }).optional(),
  photo: z.array(z.looseObject({ file_id: z.string(), width: z.number(), height: z.number() })).optional(),
  document: z.looseObject({ file_id: z.string(), file_name: z.string().optional(), file_size: z.number().optional() }).optional(),
  new_chat_members: z.array(TgUserSchema).optional(),
  left_chat_member: TgUserSchema.optional(),
  new_chat_title: z.string().optional(),
});
export type TgMessage = z.infer<typeof TgMessageSchema>;

export const TgInviteLinkSchema = z.looseObject({
  invite_link: z.string(),
  creator: TgUserSchema,
  creates_join_request: z.boolean(),
  is_primary: z.boolean(),
  is_revoked: z.boolean(),
  name: z.string().optional(),
  member_limit: z.number().int().optional(),
});
export type TgInviteLink = z.infer<typeof TgInviteLinkSchema>;

const TgChatMemberSchema = z.looseObject({
  status: z.enum(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']),
  user: TgUserSchema,
  is_member: z.boolean().optional(),
});
export type TgChatMember = z.infer<typeof TgChatMemberSchema>;

export const TgChatMemberUpdatedSchema = z.looseObject({
  chat: TgChatSchema,
  from: TgUserSchema,
  date: z.number().int(),
  old_chat_member: TgChatMemberSchema,
  new_chat_member: TgChatMemberSchema,
  invite_link: TgInviteLinkSchema.optional(),
  via_join_request: z.boolean().optional(),
});

export const TgJoinRequestSchema = z.looseObject({
  chat: TgChatSchema,
  from: TgUserSchema,
  user_chat_id: z.number().int(),
  date: z.number().int(),
  invite_link: TgInviteLinkSchema.optional(),
});

export const TgUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: TgMessageSchema.optional(),
  chat_member: TgChatMemberUpdatedSchema.optional(),
  chat_join_request: TgJoinRequestSchema.optional(),
});
export type TgUpdate = z.infer<typeof TgUpdateSchema>;

/** The updates the adapter asks for: chat_member is not sent unless asked (https://core.telegram.org/bots/api#getupdates). */
export const ALLOWED_UPDATES = ['message', 'chat_member', 'chat_join_request'] as const;

export const InviteLinkCreateSchema = z
  .object({
    chatId: z.string().min(1).max(128),
    /** Shown to admins and echoed back on every join through the link: the channel or inviter it attributes to. */
    name: z.string().min(1).max(32),
    memberLimit: z.number().int().min(1).max(99_999).optional(),
    expireAt: z.number().int().positive().optional(),
    createsJoinRequest: z.boolean().default(false),
  })
  .strict();
export type InviteLinkCreate = z.infer<typeof InviteLinkCreateSchema>;

export const InviteLinkSchema = z.object({ url: z.string(), name: z.string().nullable(), memberLimit: z.number().nullable(), createsJoinRequest: z.boolean() });
export type InviteLink = z.infer<typeof InviteLinkSchema>;
