// One fetch wrapper for the whole console: JSON in and out, the session cookie
// rides along, unsafe methods carry the CSRF token, and every error becomes an
// ApiError with the server's stable code and its zh/en message.

export type LocalizedText = { zh: string; en: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly localized: LocalizedText;
  readonly retryAfterSeconds: number | null;
  /** The server's structured details (bad import lines, unsafe regex reasons), when it sent any. */
  readonly details: unknown;

  constructor(status: number, code: string, localized: LocalizedText, retryAfterSeconds: number | null, details: unknown = undefined) {
    super(localized.en);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.localized = localized;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details;
  }
}

let csrfToken: string | null = null;

/** Remembers the CSRF token of the current cookie session (from login / session). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function toApiError(status: number, body: unknown, retryAfterHeader: string | null): ApiError {
  const fallback: LocalizedText = { zh: `请求失败（HTTP ${status}）`, en: `Request failed (HTTP ${status})` };
  if (!isRecord(body)) return new ApiError(status, 'http.error', fallback, null);
  const code = typeof body.code === 'string' ? body.code : 'http.error';
  const message = isRecord(body.message) && typeof body.message.zh === 'string' && typeof body.message.en === 'string'
    ? { zh: body.message.zh, en: body.message.en }
    : fallback;
  const retry = typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : retryAfterHeader ? Number(retryAfterHeader) : null;
  return new ApiError(status, code, message, Number.isFinite(retry) ? retry : null, body.details);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network.unreachable', { zh: '无法连接服务器', en: 'Cannot reach the server' }, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) throw toApiError(response.status, parsed, response.headers.get('retry-after'));
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);
