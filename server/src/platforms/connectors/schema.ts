import { z } from 'zod';
import { botIdOf, TelegramConfigSchema } from '../telegram/schema.js';
import { puppetModule, WechatyConfigSchema } from '../wechaty/schema.js';
import { WecomConfigSchema } from '../wecom/schema.js';

export const PlatformNameSchema = z.enum(['simulator', 'relay', 'wecom', 'telegram', 'wechaty']);
export const SimProfileSchema = z.enum(['full', 'wecom', 'telegram', 'wechat']);
export type SimProfile = z.infer<typeof SimProfileSchema>;

/** The relay platform forwards actions as JSON to your own bot service over HTTP. */
export const RelayConfigSchema = z
  .object({
    url: z.url().max(2048),
    /** Optional: the service lists which action ids it has received (POST {actionIds} → {delivered}); enables reconciliation. */
    listUrl: z.url().max(2048).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    perChatPerSecond: z.number().int().min(1).max(10_000).default(50),
    perAccountPerSecond: z.number().int().min(1).max(100_000).default(1_000),
  })
  .strict();
export type RelayConfig = z.infer<typeof RelayConfigSchema>;

export const ConnectorCreateSchema = z.discriminatedUnion('platform', [
  z.object({ platform: z.literal('simulator'), name: z.string().min(1).max(100).optional(), profile: SimProfileSchema.default('full') }).strict(),
  z.object({ platform: z.literal('relay'), name: z.string().min(1).max(100), config: RelayConfigSchema }).strict(),
  z.object({ platform: z.literal('wecom'), name: z.string().min(1).max(100), config: WecomConfigSchema }).strict(),
  z.object({ platform: z.literal('telegram'), name: z.string().min(1).max(100), config: TelegramConfigSchema }).strict(),
  z.object({ platform: z.literal('wechaty'), name: z.string().min(1).max(100), config: WechatyConfigSchema }).strict(),
]);
export type ConnectorCreate = z.infer<typeof ConnectorCreateSchema>;

/**
 * What a new connector of a real platform needs besides its row: its validated
 * config (sealed whole, so tokens and secrets never sit in the clear), its
 * default sending account, and what the audit log may say about it (no secrets).
 */
export function connectorSetup(input: Exclude<ConnectorCreate, { platform: 'simulator' }>): {
  config: unknown;
  account: { externalId: string; name: string };
  audit: Record<string, unknown>;
} {
  switch (input.platform) {
    case 'relay': {
      const config = RelayConfigSchema.parse(input.config);
      return { config, account: { externalId: 'relay', name: input.name }, audit: { platform: 'relay', url: config.url } };
    }
    case 'wecom': {
      // The app itself is the default sender: group sends go out as the group owner, direct ones as the customer's staff contact.
      const config = WecomConfigSchema.parse(input.config);
      return { config, account: { externalId: 'app', name: input.name }, audit: { platform: 'wecom', corpId: config.corpId, agentId: config.agentId } };
    }
    case 'telegram': {
      const config = TelegramConfigSchema.parse(input.config);
      return { config, account: { externalId: botIdOf(config.botToken), name: input.name }, audit: { platform: 'telegram', mode: config.mode, apiRoot: config.apiRoot } };
    }
    case 'wechaty': {
      const config = WechatyConfigSchema.parse(input.config);
      puppetModule(config.puppet); // 400 wechaty_puppet_not_allowed: never import a package named by the request
      // The logged-in WeChat account is known only after the scan; one puppet is one account.
      return { config, account: { externalId: 'wechaty', name: input.name }, audit: { platform: 'wechaty', puppet: config.puppet } };
    }
  }
}

export const CapabilitiesSchema = z.record(z.string(), z.unknown());

export const ConnectorSchema = z.object({
  id: z.string(),
  platform: z.string(),
  name: z.string(),
  profile: z.string().nullable(),
  state: z.string(),
  createdAt: z.number(),
  /** What the adapter can do, with its limits (DESIGN §2). */
  capabilities: CapabilitiesSchema,
  health: z.enum(['ok', 'not_running', 'starting', 'failing']),
  /** Why the connector is failing (the last platform error), when it is. */
  healthDetail: z.string().nullable().optional(),
  /** What to paste into the platform's settings (e.g. WeCom's callback URL, from QUNYUN_PUBLIC_URL). */
  setup: z.record(z.string(), z.string()).optional(),
});
export type Connector = z.infer<typeof ConnectorSchema>;

export const AccountSchema = z.object({
  id: z.string(),
  connectorId: z.string(),
  externalId: z.string(),
  name: z.string(),
  kind: z.enum(['staff', 'bot']),
  isDefault: z.boolean(),
  createdAt: z.number(),
});
export type Account = z.infer<typeof AccountSchema>;

export const AccountCreateSchema = z
  .object({
    externalId: z.string().min(1).max(128),
    name: z.string().min(1).max(100),
    kind: z.enum(['staff', 'bot']).default('staff'),
    isDefault: z.boolean().default(false),
  })
  .strict();
