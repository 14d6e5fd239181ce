// Malformed inputs for every method and topic of a contract, generated from the contract's own zod schemas so a
// method added tomorrow is fuzzed without touching this file. A seeded PRNG picks the random parts: a failing case
// names its seed and can be replayed.
//
// For each schema a roughly valid baseline is sampled (hints by field name fill the fields a schema constrains with
// a regex), then every node of it is broken in turn: wrong types, missing and extra fields, prototype-pollution
// keys, huge strings and arrays, deep nesting, numbers out of range, invalid UUIDs, path traversal in path fields.
import type { z } from 'zod';
import type { Random } from '../support/random.js';

export interface FuzzCase {
  /** What was broken, and where: `hosts.0.spec.port = 1e308`. */
  label: string;
  params: unknown;
}

/** The parts of zod 4's schema internals the sampler reads. */
interface ZodLike {
  _zod: { def: ZodDef };
}
interface ZodCheck {
  _zod: { def: { check: string; value?: unknown; inclusive?: boolean; format?: string } };
}
interface ZodDef {
  type: string;
  shape?: Record<string, ZodLike>;
  innerType?: ZodLike;
  element?: ZodLike;
  options?: ZodLike[];
  values?: unknown[];
  entries?: Record<string, unknown>;
  in?: ZodLike;
  checks?: ZodCheck[];
  format?: string;
}

const defOf = (schema: z.ZodType | ZodLike): ZodDef => (schema as unknown as ZodLike)._zod.def;

/** What the sampler puts in fields it knows by name (their schemas have regexes a random string would not pass). */
export interface SampleHints {
  /** UUID fields by name (`clusterId`, `id`), else a random UUID. */
  uuids?: Record<string, string>;
  /** Folder that path fields point into. */
  pathRoot: string;
}

const NAMED_STRINGS: Record<string, string> = {
  address: 'kvm-fuzz-1.example',
  username: 'root',
  hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
  libvirtUri: 'qemu:///system',
  time: '02:30',
  name: 'fuzz cluster',
  label: 'fuzz host',
};

const isPathField = (key: string): boolean => /path$/i.test(key);
const isUuidCheck = (def: ZodDef): boolean =>
  def.format === 'uuid' || (def.checks ?? []).some((c) => c._zod.def.format === 'uuid' || c._zod.def.format === 'guid');

function seededUuid(random: Random): string {
  const hex = random.bytes(16);
  hex[6] = (hex[6]! & 0x0f) | 0x40;
  hex[8] = (hex[8]! & 0x3f) | 0x80;
  const h = hex.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** One above the minimum when the range allows (a count of 0 is often refined away), else the minimum. */
function sampleNumber(def: ZodDef): number {
  let min = 0;
  let max = Number.MAX_SAFE_INTEGER;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'greater_than' && typeof c.value === 'number') min = c.inclusive ? c.value : c.value + 1;
    if (c.check === 'less_than' && typeof c.value === 'number') max = c.inclusive ? c.value : c.value - 1;
  }
  return min + 1 <= max ? min + 1 : min;
}

/** A value the schema (probably) accepts; union members are picked at random. */
export function sampleValue(schema: z.ZodType | ZodLike, random: Random, hints: SampleHints, key = ''): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [field, fieldSchema] of Object.entries(def.shape ?? {})) out[field] = sampleValue(fieldSchema, random, hints, field);
      return out;
    }
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return sampleValue(def.innerType!, random, hints, key);
    case 'pipe':
      return sampleValue(def.in!, random, hints, key);
    case 'string':
      if (isUuidCheck(def) || /(^id|Id|Uuids?)$/.test(key)) return hints.uuids?.[key] ?? seededUuid(random);
      if (isPathField(key)) return `${hints.pathRoot}/fuzz-${key}`;
      return NAMED_STRINGS[key] ?? 'x';
    case 'number':
    case 'int':
      return sampleNumber(def);
    case 'boolean':
      return false;
    case 'enum':
      return random.pick(Object.values(def.entries ?? {}));
    case 'literal':
      return def.values?.[0];
    case 'array':
      return [sampleValue(def.element!, random, hints, key)];
    case 'union':
      return sampleValue(random.pick(def.options ?? []), random, hints, key);
    case 'null':
      return null;
    default:
      return {};
  }
}

const HUGE_STRING = 'A'.repeat(200_000);
const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

export const INVALID_UUIDS: readonly string[] = [
  '',
  'not-a-uuid',
  UUID.slice(0, -1),
  `${UUID}0`,
  ` ${UUID}`,
  `{${UUID}}`,
  UUID.replace(/-/g, ''),
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  "'; DROP TABLE clusters; --",
  `${UUID}' OR '1'='1`,
  '../../../../etc/passwd',
  `${UUID}\u0000`,
  '%',
  '*',
];

export const PATH_TRAVERSALS: readonly string[] = [
  '../../../../../../../../etc/passwd',
  '..\\..\\..\\..\\Windows\\System32\\config\\SAM',
  '/etc/shadow',
  '/proc/self/environ',
  '/dev/zero',
  '/',
  'file:///etc/passwd',
  '\\\\?\\C:\\Windows',
  '\\\\attacker.example\\share\\x',
  '~/.ssh/id_rsa',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//....//etc/passwd',
  'repo\u0000/../../etc/passwd',
  ' ',
  'smb://user:hunter2@nas.example/share',
];

const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  HUGE_STRING,
  '\u0000',
  '\ud800',
  '\u202e\u0000\uffff',
  '🦀'.repeat(2000),
  'a\r\nInjected: header',
  '%s%s%s%n',
  '${process.exit()}',
  '<script>alert(1)</script>',
  "'; DROP TABLE clusters; --",
];

const BAD_NUMBERS: readonly unknown[] = [-1, -0, 0.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 53) - 1, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, '1', '0x10'];

const WRONG_TYPES: readonly unknown[] = [null, 0, 'str', [], {}, [null], { '': '' }];

/** Objects whose keys try to reach Object.prototype; made by JSON.parse so `__proto__` is an own key. */
export function pollutionObjects(): Record<string, unknown>[] {
  return [
    JSON.parse('{"__proto__":{"polluted":"yes"}}') as Record<string, unknown>,
    { constructor: { prototype: { polluted: 'yes' } } },
    { prototype: { polluted: 'yes' } },
    { hasOwnProperty: 'x', toString: 'x', valueOf: 1 },
  ];
}

export function deeplyNested(depth: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = kind === 'object' ? { a: value } : [value];
  return value;
}

/** Whole-params cases any method must refuse or shrug off, whatever its schema. */
export function genericCases(): FuzzCase[] {
  const cases: FuzzCase[] = [
    { label: 'params = undefined', params: undefined },
    { label: 'params = null', params: null },
    { label: 'params = true', params: true },
    { label: 'params = 42', params: 42 },
    { label: 'params = "string"', params: 'params' },
    { label: 'params = []', params: [] },
    { label: 'params = [{}]', params: [{}] },
    { label: 'params = huge string', params: HUGE_STRING },
    { label: 'params with an extra field', params: { surprise: 1 } },
    { label: 'params nested 1000 deep (objects)', params: deeplyNested(1000, 'object') },
    { label: 'params nested 1000 deep (arrays)', params: deeplyNested(1000, 'array') },
    { label: 'params with 20000 keys', params: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) },
  ];
  pollutionObjects().forEach((params, i) => cases.push({ label: `params = pollution object #${i}`, params }));
  return cases;
}

type Path = (string | number)[];

function leaves(value: unknown, path: Path = [], out: { path: Path; value: unknown }[] = []): { path: Path; value: unknown }[] {
  out.push({ path, value });
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  return out;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

/** Merges own keys of `extra` (including an own `__proto__`) into a copy of `target`. */
function withKeys(target: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out = clone(target);
  for (const key of Object.keys(extra)) Object.defineProperty(out, key, { value: extra[key], enumerable: true, writable: true, configurable: true });
  return out;
}

function badValuesFor(key: string | number | undefined, value: unknown): unknown[] {
  const name = typeof key === 'string' ? key : '';
  const out: unknown[] = [...WRONG_TYPES];
  if (typeof value === 'string') {
    if (/(^id$|Id$|Uuid$|Uuids$)/.test(name) || /^[0-9a-f]{8}-/.test(value)) out.push(...INVALID_UUIDS);
    if (isPathField(name)) out.push(...PATH_TRAVERSALS);
    out.push(...NASTY_STRINGS);
  } else if (typeof value === 'number') {
    out.push(...BAD_NUMBERS);
  } else if (typeof value === 'boolean') {
    out.push('true', 1, 'yes');
  } else {
    out.push(true);
  }
  return out;
}

const describeValue = (value: unknown): string => {
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value !== null && typeof value === 'object') return `object{${Object.keys(value).slice(0, 3).join(',')}}`;
  return String(value);
};

/** Largest params a case may carry: the envelope must stay under MAX_MESSAGE_BYTES on every transport. */
const MAX_CASE_BYTES = 800_000;

const jsonSize = (value: unknown): number => JSON.stringify(value ?? null).length;

/** Every single-node mutation of `baseline`, then `extra` random combinations of them. */
export function mutationCases(baseline: unknown, random: Random, extra = 20): FuzzCase[] {
  const cases: FuzzCase[] = [{ label: 'baseline', params: baseline }];
  for (const { path, value } of leaves(baseline)) {
    const where = path.length === 0 ? '(root)' : path.join('.');
    if (Array.isArray(value)) {
      const first: unknown = value[0];
      const many = Math.max(2, Math.min(5000, Math.floor(MAX_CASE_BYTES / 2 / Math.max(1, jsonSize(first)))));
      cases.push({ label: `${where} = []`, params: setAt(baseline, path, []) });
      cases.push({ label: `${where} with ${many} items`, params: setAt(baseline, path, Array.from({ length: many }, () => first)) });
      cases.push({ label: `${where} nested 500 deep`, params: setAt(baseline, path, deeplyNested(500, 'array')) });
      cases.push({ label: `${where} as an array-like object`, params: setAt(baseline, path, { 0: first, length: 1 }) });
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const field of Object.keys(record)) cases.push({ label: `${where}: without ${field}`, params: deleteAt(baseline, [...path, field]) });
      cases.push({ label: `${where}: with an extra field`, params: setAt(baseline, path, { ...record, surprise: 'extra' }) });
      pollutionObjects().forEach((pollution, i) =>
        cases.push({ label: `${where}: with pollution keys #${i}`, params: setAt(baseline, path, withKeys(record, pollution)) }),
      );
    }
    if (path.length === 0) continue;
    for (const bad of badValuesFor(path[path.length - 1], value)) {
      cases.push({ label: `${where} = ${describeValue(bad)}`, params: setAt(baseline, path, bad) });
    }
  }
  // Random combinations: a second (and third) mutation on top of a first one.
  const singles = cases.slice(1);
  for (let i = 0; i < extra && singles.length > 0; i += 1) {
    const first = random.pick(singles);
    let params = first.params;
    const labels = [first.label];
    for (let more = random.int(1, 2); more > 0; more -= 1) {
      const nodes = leaves(params).filter((node) => node.path.length > 0 && node.path.length < 8);
      if (nodes.length === 0) break;
      const node = random.pick(nodes);
      const bad = random.pick(badValuesFor(node.path[node.path.length - 1], node.value));
      params = setAt(params, node.path, bad);
      labels.push(`${node.path.join('.')} = ${describeValue(bad)}`);
    }
    cases.push({ label: `combined: ${labels.join(' + ')}`, params });
  }
  return cases.filter((c) => jsonSize(c.params) <= MAX_CASE_BYTES);
}
