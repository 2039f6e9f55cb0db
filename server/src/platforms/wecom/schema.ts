import { z } from 'zod';

// A WeCom connector: one self-built app with customer-contact rights
// (https://developer.work.weixin.qq.com/document/path/92109). The secret, token
// and EncodingAESKey are sealed at rest with the rest of the connector config.

export const WecomConfigSchema = z
  .object({
    /** 企业ID (My Company → Company Information). */
    corpId: z.string().regex(/^w[wx][0-9A-Za-z]{8,40}$/, 'a corp id starts with ww (or wx) followed by letters and digits'),
    /** AgentId of the self-built app. */
    agentId: z.string().regex(/^\d{1,12}$/, 'digits only'),
    /** The customer-contact (客户联系) secret, or the app's secret with customer-contact rights. */
    secret: z.string().min(8).max(128),
    /** Callback Token: up to 32 letters and digits. */
    token: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'up to 32 letters and digits'),
    /** Callback EncodingAESKey: exactly 43 letters and digits. */
    encodingAESKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'exactly 43 letters and digits'),
    /** API base; point it at the fake server (or an egress proxy). */
    baseUrl: z.url().max(2048).default('https://qyapi.weixin.qq.com'),
    /** Our own cap per API path per minute (WeCom allows 10,000). */
    perApiPerMinute: z.number().int().min(1).max(10_000).default(10_000),
    /** Accepted clock skew of a callback's timestamp, in seconds (replay window). */
    replayWindowSeconds: z.number().int().min(10).max(3600).default(300),
  })
  .strict();
export type WecomConfig = z.infer<typeof WecomConfigSchema>;

export const CallbackQuerySchema = z.object({
  msg_signature: z.string().regex(/^[0-9a-fA-F]{40}$/),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(64),
});
export const VerifyQuerySchema = CallbackQuerySchema.extend({ echostr: z.string().min(1).max(1024) });

export const ReconcileReportSchema = z.object({
  chats: z.number().int(),
  joined: z.number().int(),
  left: z.number().int(),
  created: z.number().int(),
});
export type ReconcileReport = z.infer<typeof ReconcileReportSchema>;
