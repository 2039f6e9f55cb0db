import type { ConnectorRow } from '../../database.js';
import type { RelayConfig } from '../connectors/schema.js';
import type { Capabilities, PerformResult, PlatformAction, PlatformAdapter } from '../platform.js';

// The relay platform forwards every action as JSON over HTTP to a service of
// your own (a bot on a platform Qunyun has no adapter for yet, or a test peer):
//   POST <url>  {actionId, idempotencyKey, kind, accountId, chatId, personId, message?, until?, text?, messageId?}
//   2xx → sent; 429, 5xx or connection refused → retried with back-off; other 4xx →
//   failed; no answer (timeout) → reconciled through listUrl, else unknown + staff task.
// With `listUrl` the service can say which actions it has received
//   POST <listUrl> {actionIds: [...]} → {delivered: [...]}
// so a send caught mid-flight by a crash is reconciled instead of marked unknown.

export function relayCapabilities(config: RelayConfig): Capabilities {
  return {
    send: { types: ['text', 'image', 'link', 'miniprogram', 'file'], mentions: true, mentionAll: true, replyTo: true, direct: true },
    kick: true,
    mute: { maxMs: 366 * 24 * 3600 * 1000 },
    announce: true,
    rename: true,
    recall: { windowMs: 2 * 60 * 1000 },
    createInviteLink: false,
    readGroupMessages: true,
    groupSizeCap: 500,
    welcomeDeadlineMs: null,
    limits: {
      perChat: { count: config.perChatPerSecond, perMs: 1000 },
      perAccount: { count: config.perAccountPerSecond, perMs: 1000 },
      massSendsPerRecipientPerMonth: null,
    },
    idempotentSends: false,
    listSent: config.listUrl !== undefined,
  };
}

async function postJson(url: string, body: unknown, timeoutMs: number): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export function createRelayAdapter(_connector: ConnectorRow, config: RelayConfig): PlatformAdapter {
  async function perform(action: PlatformAction): Promise<PerformResult> {
    let response: Response;
    try {
      response = await postJson(
        config.url,
        {
          actionId: action.actionId,
          idempotencyKey: action.idempotencyKey,
          kind: action.kind,
          accountId: action.accountExternalId,
          chatId: action.chatId,
          personId: action.personExternalId,
          message: action.message,
          until: action.until,
          text: action.text,
          messageId: action.messageId,
        },
        config.timeoutMs,
      );
    } catch (error) {
      // Refused before anything was sent: safe to retry. Anything else (a timeout, a reset
      // mid-request) may have been delivered.
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const refused = cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND';
      return { ok: false, failure: refused ? 'retry' : 'ambiguous', code: refused ? 'relay_unreachable' : 'relay_no_answer', message: error instanceof Error ? error.message : String(error) };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      let ref: string | undefined;
      try {
        const parsed = JSON.parse(text) as { id?: unknown };
        if (typeof parsed.id === 'string') ref = parsed.id;
      } catch {
        // a body is optional
      }
      return { ok: true, platformRef: ref };
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 429 || response.status >= 500) {
      return { ok: false, failure: 'retry', code: `relay_${response.status}`, message: text.slice(0, 300), retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
    }
    return { ok: false, failure: 'permanent', code: `relay_${response.status}`, message: text.slice(0, 300) };
  }

  const adapter: PlatformAdapter = { platform: 'relay', capabilities: relayCapabilities(config), perform };
  if (config.listUrl) {
    const listUrl = config.listUrl;
    adapter.listSent = async (actionIds) => {
      const response = await postJson(listUrl, { actionIds }, config.timeoutMs);
      if (!response.ok) throw new Error(`relay list answered ${response.status}`);
      const body = (await response.json()) as { delivered?: unknown };
      return new Set(Array.isArray(body.delivered) ? body.delivered.filter((v): v is string => typeof v === 'string') : []);
    };
  }
  return adapter;
}
