import fc from 'fast-check';

// Requests for the route fuzzer, generated from the OpenAPI document itself:
// a valid-shaped value from each route's JSON schema (params, query, body),
// and malformed variants of it (wrong types, missing fields, huge and odd
// strings, prototype-pollution keys, odd ids, broken JSON). Nothing here knows
// a route by name, so a route added later is fuzzed without editing this file.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};

export type Parameter = { in: string; name: string; required?: boolean; schema?: JsonSchema };

export type Operation = {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | null;
};

export type Principal = 'none' | 'bad' | 'viewerA' | 'ownerA' | 'ownerB';

export type FuzzRequest = {
  principal: Principal;
  method: string;
  url: string;
  /** The raw payload text (JSON or deliberately broken), or undefined for no body. */
  payload?: string;
  contentType?: string;
  /** How the request was made, for the failure report. */
  variant: string;
};

/** What the generator may pick for an id: real ids of both workspaces, and odd ones. */
export type Pools = {
  ids: () => string[];
  chatIds: () => string[];
  simPeople: () => string[];
};

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'];

type Document = {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
};

export function operationsOf(doc: Document): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      ops.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema ?? null });
    }
  }
  return ops;
}

/** Strings that have broken parsers, databases and log lines before. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eevil',
  '👩‍👩‍👧‍👦',
  '群运＿全角　空格',
  '%',
  '%00',
  '../..',
  '..',
  'null',
  'undefined',
  'NaN',
  '0',
  '-1',
  '1e309',
  '9007199254740993',
  '__proto__',
  'constructor',
  'prototype',
  "' or 1=1 --",
  '"; drop table groups; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '\r\nX-Injected: 1',
  'x'.repeat(300),
];

const HUGE = 'y'.repeat(200_000);

const oddString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant(HUGE) },
);

function isIdName(name: string | undefined): boolean {
  return name !== undefined && /(^id$|Id$|^before$)/.test(name);
}

function clampInt(n: number | undefined, fallback: number): number {
  if (n === undefined || !Number.isFinite(n)) return fallback;
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

/** A value of the shape the schema describes (not always valid: patterns and cross-field rules are approximated). */
export function validShaped(schema: JsonSchema, pools: Pools, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const base = baseShaped(schema, pools, name, depth);
  const nullable = schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'));
  return nullable ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function baseShaped(schema: JsonSchema, pools: Pools, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.oneOf ?? schema.anyOf;
  if (union && union.length > 0) return fc.oneof(...union.map((s) => validShaped(s, pools, name, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) return validShaped(Object.assign({}, ...schema.allOf) as JsonSchema, pools, name, depth + 1);
  switch (typeOf(schema)) {
    case 'string':
      return stringShaped(schema, pools, name);
    case 'integer': {
      const min = clampInt(schema.minimum, -1_000_000);
      const max = clampInt(schema.maximum, 1_000_000);
      return fc.oneof(fc.integer({ min, max: Math.max(min, Math.min(max, min + 1_000)) }), fc.integer({ min, max }));
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, minLength + 4));
      return fc.array(schema.items ? validShaped(schema.items, pools, name, depth + 1) : anyJson(), { minLength, maxLength });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties)) model[key] = validShaped(value, pools, key, depth + 1);
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
    default:
      return anyJson();
  }
}

function anyJson(): fc.Arbitrary<unknown> {
  return fc.jsonValue({ maxDepth: 2 });
}

function stringShaped(schema: JsonSchema, pools: Pools, name: string | undefined): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
  if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity));
  }
  const plain = fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: Math.max(1, minLength), maxLength, unit: 'grapheme-ascii' }) },
    { weight: 2, arbitrary: fc.string({ minLength: Math.max(1, minLength), maxLength, unit: 'grapheme' }) },
  );
  if (isIdName(name)) {
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.ids()) }, { weight: 1, arbitrary: plain });
  }
  if (name === 'chatId') return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.chatIds()) }, { weight: 1, arbitrary: plain });
  if (name === 'personId' || name === 'inviterId') return fc.oneof(fc.constantFrom(...pools.simPeople()), plain);
  return plain;
}

/** A value of the wrong kind for a field of this schema. */
function wrongValue(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const type = schema ? typeOf(schema) : undefined;
  const wrong: unknown[] = [null, true, -1, 1.5, 1e308, 'not-a-value', [], {}, [1, 'a'], { nested: { deeper: [null] } }];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...wrong.filter((w) => typeof w !== (type === 'integer' ? 'number' : type))) },
    { weight: 3, arbitrary: oddString },
    { weight: 1, arbitrary: fc.constant(-Number.MAX_SAFE_INTEGER * 4) },
  );
}

function deepNesting(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

/** A body as raw JSON text: valid-shaped, or broken in one of many ways. */
export function bodyPayload(schema: JsonSchema, pools: Pools): fc.Arbitrary<{ payload: string; contentType: string; variant: string }> {
  const valid = validShaped(schema, pools);
  const json = (variant: string) => (value: unknown) => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'application/json', variant });
  const properties = Object.keys(schema.properties ?? {});
  const required = schema.required ?? [];
  const variants: fc.Arbitrary<{ payload: string; contentType: string; variant: string }>[] = [
    valid.map(json('valid-shaped')),
    wrongValue(schema).map(json('body of the wrong type')),
    fc.constantFrom('{', '', '{"a":', '\u0000', 'nul', '{"a":1}}', deepNesting(5_000), '"\\ud800"').map((payload) => ({ payload, contentType: 'application/json', variant: 'broken JSON' })),
    valid.map((value) => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'text/plain', variant: 'wrong content type' })),
    fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'prototype')).map(([value, key]) => {
      const text = JSON.stringify(value) ?? 'null';
      const inner = `{"${key}":{"polluted":true,"isAdmin":true,"role":"owner"}`;
      const payload = text.startsWith('{') && text !== '{}' ? `${inner},${text.slice(1)}` : `${inner}}`;
      return { payload, contentType: 'application/json', variant: `prototype-pollution key ${key}` };
    }),
  ];
  if (properties.length > 0) {
    variants.push(
      fc.tuple(valid, fc.constantFrom(...properties), fc.oneof(wrongValue(undefined), oddString)).map(([value, key, bad]) => {
        const copy = { ...(value as Record<string, unknown>), [key]: bad };
        return json(`field ${key} malformed`)(copy);
      }),
    );
  }
  if (required.length > 0) {
    variants.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([value, key]) => {
        const copy = { ...(value as Record<string, unknown>) };
        delete copy[key];
        return json(`required ${key} missing`)(copy);
      }),
    );
  }
  variants.push(valid.map((value) => json('unknown extra field')({ ...(typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}), extra: 'x' })));
  return fc.oneof({ weight: 6, arbitrary: variants[0]! }, ...variants.slice(1).map((arbitrary) => ({ weight: 1, arbitrary })));
}

/** Percent-encodes a path segment; a lone surrogate goes out as its raw (invalid) UTF-8 bytes. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

/** A path id: a real id of either workspace, or an odd string. */
function pathValue(pools: Pools): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pools.ids()) }, { weight: 2, arbitrary: oddString }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) });
}

/** Query parameters: valid-shaped, missing, malformed, repeated. */
function queryString(params: Parameter[], pools: Pools): fc.Arbitrary<{ query: string; variant: string }> {
  if (params.length === 0) return fc.constant({ query: '', variant: '' });
  const one = (p: Parameter) =>
    fc.oneof(
      { weight: 5, arbitrary: validShaped(p.schema ?? {}, pools, p.name).map((v) => ({ values: [String(v)], variant: '' })) },
      { weight: p.required ? 1 : 3, arbitrary: fc.constant({ values: [] as string[], variant: p.required ? `required ${p.name} missing` : '' }) },
      { weight: 1, arbitrary: wrongValue(p.schema).map((v) => ({ values: [typeof v === 'string' ? v : JSON.stringify(v)], variant: `${p.name} malformed` })) },
      { weight: 1, arbitrary: fc.tuple(pathValue(pools), pathValue(pools)).map(([a, b]) => ({ values: [a, b], variant: `${p.name} repeated` })) },
    );
  return fc.tuple(...params.map(one)).map((picked) => {
    const search = new URLSearchParams();
    const variants: string[] = [];
    picked.forEach((pick, i) => {
      for (const value of pick.values) search.append(params[i]!.name, value);
      if (pick.variant) variants.push(pick.variant);
    });
    const query = search.toString();
    return { query: query ? `?${query}` : '', variant: variants.join(', ') };
  });
}

const PRINCIPALS = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Principal>('none') },
  { weight: 1, arbitrary: fc.constant<Principal>('bad') },
  { weight: 2, arbitrary: fc.constant<Principal>('viewerA') },
  { weight: 4, arbitrary: fc.constant<Principal>('ownerA') },
  { weight: 4, arbitrary: fc.constant<Principal>('ownerB') },
);

/** Every kind of request to one route. */
export function requestsFor(op: Operation, pools: Pools, bodyHint?: (schema: JsonSchema) => JsonSchema): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const path = fc.tuple(...pathParams.map(() => pathValue(pools))).map((values) => {
    let i = 0;
    return op.path.replace(/\{[^}]+\}/g, () => encodeSegment(values[i++] ?? ''));
  });
  const body = op.body ? bodyPayload(bodyHint ? bodyHint(op.body) : op.body, pools).map((b) => b as { payload?: string; contentType?: string; variant: string }) : fc.constant({ variant: '' } as { payload?: string; contentType?: string; variant: string });
  return fc.record({ principal: PRINCIPALS, path, query: queryString(queryParams, pools), body }).map(({ principal, path: p, query, body: b }) => ({
    principal,
    method: op.method,
    url: `${p}${query.query}`,
    ...(b.payload !== undefined ? { payload: b.payload } : {}),
    ...(b.contentType !== undefined ? { contentType: b.contentType } : {}),
    variant: [b.variant, query.variant].filter(Boolean).join('; ') || 'valid-shaped',
  }));
}
