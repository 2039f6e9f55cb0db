import { z } from 'zod';

// A WeChat account driven through Wechaty (https://wechaty.js.org/docs/puppet-providers/):
// the puppet is chosen by name, its token sealed with the connector.

export const WechatyConfigSchema = z
  .object({
    /**
     * An installed puppet package (wechaty-puppet-service, wechaty-puppet-wechat4u, …),
     * or `mock`: the built-in mock world (wechaty-puppet-mock) for trying Qunyun out.
     */
    puppet: z.string().regex(/^(mock|wechaty-puppet-[a-z0-9-]+|@[a-z0-9-]+\/wechaty-puppet-[a-z0-9-]+)$/, 'a puppet package name, or mock'),
    /** The puppet service token (wechaty-puppet-service: puppet_<provider>_<uuid>). */
    puppetToken: z.string().min(1).max(512).optional(),
    /** A puppet service endpoint (host:port) when not resolved from the token. */
    puppetEndpoint: z.string().min(1).max(256).optional(),
  })
  .strict();
export type WechatyConfig = z.infer<typeof WechatyConfigSchema>;

/** One puppet is one logged-in WeChat account: the connector's single sending account. */
export const WECHATY_ACCOUNT_EXTERNAL_ID = 'wechaty';
