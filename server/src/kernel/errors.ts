// One error type for the whole server: a stable code, an HTTP status and a
// message in Chinese and English. Modules list their codes in errors.ts with
// defineErrors(); the HTTP layer maps every AppError the same way.

export type ErrorText = { zh: string; en: string };
export type ErrorSpec = { status: number } & ErrorText;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly text: ErrorText;
  readonly details: unknown;

  constructor(code: string, spec: ErrorSpec, details?: unknown) {
    super(`${code}: ${spec.en}`);
    this.code = code;
    this.status = spec.status;
    this.text = { zh: spec.zh, en: spec.en };
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Turns a table of codes into factories: `errors.notFound({ id })` → AppError. */
export function defineErrors<const T extends Record<string, ErrorSpec & { code: string }>>(table: T) {
  const factories = {} as { [K in keyof T]: (details?: unknown) => AppError };
  for (const key of Object.keys(table) as (keyof T)[]) {
    const spec = table[key]!;
    factories[key] = (details?: unknown) => new AppError(spec.code, spec, details);
  }
  return factories;
}

/** Codes every module shares. */
export const commonErrors = defineErrors({
  validation: { code: 'validation_failed', status: 400, zh: '请求参数不合法', en: 'The request is not valid' },
  badJson: { code: 'bad_json', status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  notFound: { code: 'not_found', status: 404, zh: '找不到该资源', en: 'No such resource' },
  unauthenticated: { code: 'unauthenticated', status: 401, zh: '缺少或无效的访问令牌', en: 'Missing or invalid credentials' },
  forbidden: { code: 'forbidden', status: 403, zh: '当前角色无权执行此操作', en: 'Your role may not do this' },
  conflict: { code: 'conflict', status: 409, zh: '与现有数据冲突', en: 'This conflicts with existing data' },
  payloadTooLarge: { code: 'payload_too_large', status: 413, zh: '请求体过大', en: 'The request body is too large' },
  internal: { code: 'internal_error', status: 500, zh: '服务器内部错误', en: 'Internal server error' },
});

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
