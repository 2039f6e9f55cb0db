import { z } from 'zod';
import { defineErrors } from '../../kernel/errors.js';

// A WeChat account driven through Wechaty (https://wechaty.js.org/docs/puppet-providers/):
// the puppet is chosen by name, its token sealed with the connector.
//
// Wechaty imports the puppet as a module by name, so the name is a choice from
// an allow-list, never free text: arbitrary input must not make the server load
// an arbitrary installed package. The built-in list holds the known puppets;
// QUNYUN_WECHATY_PUPPETS (comma-separated) adds more, e.g. `xp` or a scoped
// `@juzi/wechaty-puppet-service`.

export const KNOWN_WECHATY_PUPPETS = ['mock', 'service', 'wechat4u', 'padlocal'] as const;

export const wechatyErrors = defineErrors({
  puppetNotAllowed: {
    code: 'wechaty_puppet_not_allowed',
    status: 400,
    zh: '不支持该 Wechaty puppet；可用的 puppet 见 details.allowed（可通过 QUNYUN_WECHATY_PUPPETS 增加）',
    en: 'That Wechaty puppet is not on the allow-list; see details.allowed (QUNYUN_WECHATY_PUPPETS adds more)',
  },
});

const PREFIX = 'wechaty-puppet-';
const SHORT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SCOPED_NAME = /^@[a-z0-9][a-z0-9-]{0,63}\/wechaty-puppet-[a-z0-9-]{1,64}$/;

/** `service` and `wechaty-puppet-service` name the same puppet; a scoped package keeps its full name. */
export function puppetKey(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

/** The allowed puppets: the known ones plus QUNYUN_WECHATY_PUPPETS; malformed entries are ignored. */
export function allowedPuppets(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const extra = (env['QUNYUN_WECHATY_PUPPETS'] ?? '')
    .split(',')
    .map((entry) => puppetKey(entry.trim()))
    .filter((entry) => SHORT_NAME.test(entry) || SCOPED_NAME.test(entry));
  return [...new Set<string>([...KNOWN_WECHATY_PUPPETS, ...extra])];
}

/**
 * The module Wechaty is told to import for an allowed puppet, built from the
 * allow-list entry (never from the raw input); throws puppetNotAllowed otherwise.
 * `mock` is the built-in mock world and imports nothing by name.
 */
export function puppetModule(name: string, env?: Readonly<Record<string, string | undefined>>): string {
  const allowed = allowedPuppets(env);
  const entry = allowed.find((candidate) => candidate === puppetKey(name));
  if (entry === undefined) throw wechatyErrors.puppetNotAllowed({ puppet: name, allowed });
  if (entry === 'mock') return 'mock';
  return entry.startsWith('@') ? entry : `${PREFIX}${entry}`;
}

export const WechatyConfigSchema = z
  .object({
    /**
     * A puppet from the allow-list (`service`, `wechat4u`, `padlocal`, … or the
     * full package name `wechaty-puppet-service`), or `mock`: the built-in mock
     * world (wechaty-puppet-mock) for trying Qunyun out.
     */
    puppet: z.string().min(1).max(140),
    /** The puppet service token (wechaty-puppet-service: puppet_<provider>_<uuid>). */
    puppetToken: z.string().min(1).max(512).optional(),
    /** A puppet service endpoint (host:port) when not resolved from the token. */
    puppetEndpoint: z.string().min(1).max(256).optional(),
  })
  .strict();
export type WechatyConfig = z.infer<typeof WechatyConfigSchema>;

/** One puppet is one logged-in WeChat account: the connector's single sending account. */
export const WECHATY_ACCOUNT_EXTERNAL_ID = 'wechaty';
