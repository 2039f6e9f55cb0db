import { z } from 'zod';
import { WecomConfigSchema } from '../wecom/schema.js';

export const PlatformNameSchema = z.enum(['simulator', 'relay', 'wecom']);
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
]);
export type ConnectorCreate = z.infer<typeof ConnectorCreateSchema>;

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
  health: z.enum(['ok', 'not_running', 'failing']),
  /** Why the connector is failing (the platform's last error), when it is. */
  healthDetail: z.string().optional(),
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
