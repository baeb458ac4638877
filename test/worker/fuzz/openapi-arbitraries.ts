// fast-check arbitraries read from the app's own OpenAPI document: its operations, their parameters
// and request-body schemas, so a route added tomorrow is fuzzed without touching this file.
import fc from 'fast-check';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface ResponseObject {
  content?: Record<string, { schema: JsonSchema }>;
}

interface OperationObject {
  parameters?: Parameter[];
  responses?: Record<string, ResponseObject>;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface Operation {
  /** `POST /api/v1/sales/{id}/void`: the document's own name for it. */
  key: string;
  method: string;
  path: string;
  params: Parameter[];
  body?: { schema: JsonSchema; required: boolean };
  secured: boolean;
  /** The documented statuses, each with the error codes it documents (none for a success). */
  responses: Map<number, string[]>;
  /** What its successes may be instead of the JSON envelope: an HTML page (a printable document), a report's CSV or XML. */
  media: string[];
}

/** The `code` enum of an error response (the envelope's `error.code`). */
const codesOf = (r: ResponseObject): string[] => {
  const error = r.content?.['application/json']?.schema.properties?.error;
  return (error?.properties?.code?.enum as string[] | undefined) ?? [];
};

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => {
        const json = op.requestBody?.content['application/json'];
        return {
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          params: op.parameters ?? [],
          body: json ? { schema: json.schema, required: op.requestBody?.required ?? false } : undefined,
          secured: (op.security ?? []).length > 0,
          responses: new Map(Object.entries(op.responses ?? {}).map(([status, r]) => [Number(status), codesOf(r)])),
          media: [
            ...new Set(
              Object.entries(op.responses ?? {})
                .filter(([status]) => status.startsWith('2'))
                .flatMap(([, r]) => Object.keys(r.content ?? {}))
                .filter((type) => type !== 'application/json'),
            ),
          ],
        };
      }),
  );
}

/** A JSON token written as is: the numbers and escapes JSON.stringify can never produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson tokens anywhere. */
export function toJsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Values of the wrong type, at the edges, or hostile: what a mutated field becomes. */
export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    Number.MAX_VALUE,
    '',
    ' ',
    '   padded   ',
    '1e309',
    '-0',
    'NaN',
    'Infinity',
    'null',
    'true',
    '0x10',
    '<script>alert(1)</script>',
    "' OR '1'='1' --",
    '"; DROP TABLE products; --',
    '\u0000',
    '\uFEFF',
    '\u202Eevil',
    'a'.repeat(5000),
    '🙂'.repeat(300),
    [],
    {},
    [[[[[]]]]],
    [null],
    { constructor: { prototype: { admin: true } } },
    new RawJson('{"__proto__":{"admin":true}}'),
    new RawJson('1e309'),
    new RawJson('-1e309'),
    new RawJson('-0'),
    new RawJson('1.0'),
    new RawJson('1E2'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('9007199254740993'),
    new RawJson('"\\ud800"'),
    new RawJson('"\\u0000"'),
  ),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Extra arbitraries by property or parameter name (ids that exist, emails, passwords …). */
export type Hints = (name: string, op: Operation) => fc.Arbitrary<unknown> | undefined;

export interface Generators {
  /** A value the schema accepts (as far as the document can say: transforms and refinements aside). */
  valid(schema: JsonSchema, op: Operation, name?: string): fc.Arbitrary<unknown>;
  /** A valid value with one thing wrong: a field removed, replaced by a wild value, or one added. */
  nearValid(schema: JsonSchema, op: Operation): fc.Arbitrary<unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawJson);

/** Paths of every node of a JSON value, the root first. */
function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  const children: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : isObject(v)
      ? Object.entries(v)
      : [];
  for (const [k, x] of children) out.push(...pathsOf(x, [...at, k]));
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'remove' } | { kind: 'add'; key: string; value: unknown };

function mutate(v: unknown, path: (string | number)[], m: Mutation): unknown {
  if (path.length === 0) {
    if (m.kind === 'replace') return m.value;
    if (m.kind === 'add') return isObject(v) ? { ...v, [m.key]: m.value } : [v];
    return undefined;
  }
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    const next = mutate(copy[head as number], rest, m);
    if (next === undefined) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const copy = { ...(v as Record<string, unknown>) };
  const next = mutate(copy[head as string], rest, m);
  if (next === undefined) delete copy[head as string];
  else copy[head as string] = next;
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: wildValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'remove' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('extra', 'role', 'shop_id', 'id', 'admin', '__proto__'), wildValue)
      .map(([key, value]) => ({ kind: 'add' as const, key, value })),
  },
);

export function generators(doc: OpenApiDocument, hints: Hints): Generators {
  const resolve = (s: JsonSchema): JsonSchema =>
    s.$ref ? resolve(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]!) : s;

  function valid(raw: JsonSchema, op: Operation, name?: string): fc.Arbitrary<unknown> {
    const s = resolve(raw);
    const hinted = name === undefined ? undefined : hints(name, op);
    if (hinted) return hinted;
    if (s.enum) return fc.constantFrom(...s.enum);
    if (s.const !== undefined) return fc.constant(s.const);
    const union = s.anyOf ?? s.oneOf;
    if (union) return fc.oneof(...union.map((x) => valid(x, op, name)));
    if (s.allOf?.length === 1) return valid(s.allOf[0]!, op, name);
    if (Array.isArray(s.type)) {
      return fc.oneof(...s.type.map((t) => (t === 'null' ? fc.constant(null) : valid({ ...s, type: t }, op, name))));
    }
    switch (s.type) {
      case 'object': {
        const props = s.properties ?? {};
        return fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, valid(p, op, k)])), {
          requiredKeys: (s.required ?? []).filter((k) => k in props),
        });
      }
      case 'array':
        return fc.array(valid(s.items ?? {}, op, name), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 5, Math.max(s.minItems ?? 0, 5)),
        });
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1_000_000_000, max: s.maximum ?? 1_000_000_000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'string':
        if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
        return fc.string({
          unit: 'grapheme',
          minLength: s.minLength ?? 0,
          maxLength: Math.max(s.minLength ?? 0, Math.min(s.maxLength ?? 40, 40)),
        });
      default:
        return wildValue;
    }
  }

  const nearValid = (schema: JsonSchema, op: Operation) =>
    valid(schema, op).chain((v) =>
      fc.tuple(fc.constantFrom(...pathsOf(v)), mutation).map(([path, m]) => mutate(v, path, m) ?? null),
    );

  return { valid, nearValid };
}

/**
 * Header-safe text: printable ASCII and tabs. (Latin-1 bytes are legal in a header too, but workerd
 * re-encodes them as UTF-8 and warns on every one, which would bury the test output.)
 */
export const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09)).map((c) => String.fromCharCode(c)),
    maxLength,
  });

/** Bodies that are not the JSON object a route wants: not JSON at all, the wrong JSON, too big, too deep. */
export const malformedBodyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '}',
    '[',
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '{"a":1} trailing',
    'undefined',
    'NaN',
    '-0',
    '1e309',
    '\uFEFF{}',
    '"unterminated',
    'nul',
    '\u0000',
    'null',
    '[]',
    '""',
    'true',
    '{"email":"a@b.co","email":"c@d.co"}',
  ),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  wildValue.map(toJsonText),
  fc
    .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
    .map(([n, arrays]) => (arrays ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
  // Around the 64 KiB body limit, on both sides.
  fc.integer({ min: 64 * 1024 - 64, max: 64 * 1024 + 64 }).map((n) => JSON.stringify({ name: 'x'.repeat(n - 11) })),
  fc.integer({ min: 100_000, max: 400_000 }).map((n) => `[${'1,'.repeat(n / 2)}1]`),
);

/** Content-Type header values, mostly JSON (so a bad body reaches the parser), else wrong or none. */
export const contentType = fc.oneof(
  { weight: 3, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/vnd.api+json', 'APPLICATION/JSON'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/jsonx',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json, text/plain',
      ';;;',
      undefined,
    ),
  },
);
