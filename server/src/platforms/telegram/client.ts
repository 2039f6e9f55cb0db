import { Api, GrammyError, HttpError } from 'grammy';
import type { PerformResult } from '../platform.js';
import type { TelegramConfig } from './schema.js';

// The Bot API client: grammY's Api pointed at the configured root, with one
// transformer that watches every call. 429 answers carry
// parameters.retry_after (https://core.telegram.org/bots/api#responseparameters);
// the transformer turns them into a typed failure whose retryAfterMs the
// outbox honours on the Clock, so the retry is durable and survives restarts
// instead of sleeping inside a request.

export type ApiHealth = {
  failing: boolean;
  lastError: string | null;
  lastErrorAt: number | null;
  rateLimited: number;
};

export type TelegramClient = { api: Api; health: ApiHealth };

export function createTelegramClient(config: TelegramConfig, now: () => number): TelegramClient {
  const api = new Api(config.botToken, { apiRoot: config.apiRoot, timeoutSeconds: config.timeoutSeconds });
  const health: ApiHealth = { failing: false, lastError: null, lastErrorAt: null, rateLimited: 0 };
  watchCalls(api, health, now);
  return { api, health };
}

/** Installs the watching transformer on an Api (the client's, and the long-polling runner's). */
export function watchCalls(api: Api, health: ApiHealth, now: () => number): void {
  api.config.use(async (prev, method, payload, signal) => {
    try {
      const response = await prev(method, payload, signal);
      if (response.ok) health.failing = false;
      else if (response.error_code === 429) health.rateLimited++;
      else if (response.error_code === 401 || response.error_code === 404 || response.error_code >= 500) {
        // 401/404 on any method means the token is wrong or revoked: the connector is down.
        Object.assign(health, { failing: true, lastError: `${method}: ${response.error_code} ${response.description}`, lastErrorAt: now() });
      }
      return response;
    } catch (error) {
      Object.assign(health, { failing: true, lastError: `${method}: ${error instanceof Error ? error.message : String(error)}`, lastErrorAt: now() });
      throw error;
    }
  });
}

function networkCode(error: HttpError): string | undefined {
  let cause: unknown = error.error;
  for (let depth = 0; depth < 4 && cause && typeof cause === 'object'; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A failed call as a typed outcome. `repeatable` calls (ban, restrict, pin,
 * setChatTitle) have the same effect when made twice, so a call with no answer
 * is retried; a message with no answer may have arrived and is never resent blindly.
 */
export function failureOf(error: unknown, repeatable: boolean): Extract<PerformResult, { ok: false }> {
  if (error instanceof GrammyError) {
    const code = `telegram_${error.error_code}`;
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return { ok: false, failure: 'retry', code, message: error.description, retryAfterMs: seconds * 1000 };
    }
    if (error.error_code >= 500) return { ok: false, failure: 'retry', code, message: error.description };
    return { ok: false, failure: 'permanent', code, message: error.description };
  }
  if (error instanceof HttpError) {
    const net = networkCode(error);
    const refused = net === 'ECONNREFUSED' || net === 'ENOTFOUND' || net === 'EAI_AGAIN';
    return { ok: false, failure: refused || repeatable ? 'retry' : 'ambiguous', code: refused ? 'telegram_unreachable' : 'telegram_no_answer', message: error.message };
  }
  return { ok: false, failure: repeatable ? 'retry' : 'ambiguous', code: 'telegram_client_error', message: error instanceof Error ? error.message : String(error) };
}
