/**
 * A validator for Kubernetes custom resources against their CRD's openAPIV3Schema, close to what the API server
 * does on create: structural schema checks (ajv; unknown fields refused instead of silently pruned, so a typo
 * fails), defaults applied before CEL, the Kubernetes extensions (`x-kubernetes-int-or-string`,
 * `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-list-type` set/map uniqueness) and the CEL rules of
 * `x-kubernetes-validations`, evaluated with @marcbachmann/cel-js (`self` bound, no `oldSelf`: a create). Rules
 * cel-js cannot evaluate are counted, never passed silently. Plus the metadata checks the API server makes.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse as parseCel, type ParseResult } from '@marcbachmann/cel-js';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown> & {
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  type?: string;
  required?: string[];
  default?: unknown;
  'x-kubernetes-validations'?: { rule: string; message?: string; optionalOldSelf?: boolean }[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
};

/** What the CEL part did, over every object validated so far. */
export interface CelStats {
  /** Rules in the schemas compiled (all versions validated against). */
  rules: number;
  /** Rules cel-js could not parse. */
  unparsable: number;
  /** Rule evaluations on data that gave an answer (a rule under an array item is evaluated once per item). */
  evaluated: number;
  /** The distinct rules (by text) that answered at least once. */
  answered: Set<string>;
  /** Evaluations cel-js could not perform (unknown function or overload, …), with why. */
  unevaluable: { rule: string; reason: string }[];
  /** Transition rules (`oldSelf` without optionalOldSelf): the API server skips them on create, so do we. */
  transitionSkipped: number;
}

export interface CrdValidator {
  group: string;
  kind: string;
  versions: string[];
  /** Error messages (`spec.servers[0].tls.mode: …`), `[]` when the object is valid. */
  validate(object: unknown): string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The API server's checks of `metadata` (apimachinery validation): names, namespace, label keys and values. */
export function checkMetadata(metadata: unknown): string[] {
  const errors: string[] = [];
  const m = (metadata ?? {}) as { name?: unknown; namespace?: unknown; labels?: Record<string, unknown> };
  if (typeof m.name !== 'string' || m.name.length > 253 || !DNS_SUBDOMAIN.test(m.name)) errors.push(`metadata.name: ${String(m.name)} is not a DNS-1123 subdomain`);
  if (typeof m.namespace !== 'string' || m.namespace.length > 63 || !DNS_LABEL.test(m.namespace)) errors.push(`metadata.namespace: ${String(m.namespace)} is not a DNS-1123 label`);
  for (const [key, value] of Object.entries(m.labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) errors.push(`metadata.labels: key prefix ${prefix} is not a DNS-1123 subdomain`);
    if (name.length > 63 || !LABEL_NAME.test(name)) errors.push(`metadata.labels: key ${key} is not a label name`);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) errors.push(`metadata.labels.${key}: ${String(value)} is not a label value (≤ 63, alphanumerics, - _ .)`);
  }
  return errors;
}

/** Structural schema → strict JSON Schema: objects with properties refuse unknown fields unless preserved. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, strict(ps)])) : strict(v)])) as Schema;
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) s.additionalProperties = false;
  return s;
}

function listTypeCheck(listType: unknown, data: unknown, parent: Schema): boolean {
  if (!Array.isArray(data) || listType === 'atomic') return true;
  const keyOf =
    listType === 'map'
      ? (item: unknown) => JSON.stringify((parent['x-kubernetes-list-map-keys'] ?? []).map((k) => (item as Record<string, unknown>)[k] ?? parent.items?.properties?.[k]?.default ?? null))
      : (item: unknown) => JSON.stringify(item);
  return new Set(data.map(keyOf)).size === data.length;
}

function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true, validateFormats: true });
  ajv.addKeyword({ keyword: 'x-kubernetes-int-or-string', schemaType: 'boolean', validate: (on: boolean, data: unknown) => !on || typeof data === 'string' || Number.isInteger(data) });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-type',
    schemaType: 'string',
    validate: (listType: string, data: unknown, parent?: object) => listTypeCheck(listType, data, (parent ?? {}) as Schema),
    errors: false,
  });
  for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations', 'x-kubernetes-embedded-resource']) ajv.addKeyword({ keyword });
  const int = (bits: number) => ({ type: 'number' as const, validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1) });
  ajv.addFormat('int32', int(32));
  ajv.addFormat('int64', int(64));
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);
  ajv.addFormat('ipv4', (s: string) => isIPv4(s));
  ajv.addFormat('ipv6', (s: string) => isIPv6(s));
  return ajv;
}

// CEL: property names as the API server exposes them (k8s.io/apiserver/pkg/cel: escaping of reserved words and characters).
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const celName = (name: string) =>
  CEL_RESERVED.has(name) ? `__${name}__` : name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');

/** The data as CEL sees it: declared properties escaped, `integer` values as CEL ints (BigInt), maps' keys raw. */
function celValue(schema: Schema | undefined, data: unknown): unknown {
  if (Array.isArray(data)) return data.map((item) => celValue(schema?.items, item));
  if (typeof data === 'number') return schema?.type === 'integer' || (schema?.['x-kubernetes-int-or-string'] && Number.isInteger(data)) ? BigInt(data) : data;
  if (data === null || typeof data !== 'object') return data;
  const extra = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => (schema?.properties?.[key] ? [celName(key), celValue(schema.properties[key], value)] : [key, celValue(extra, value)])),
  );
}

/** Why cel-js failed: `No such key` is the data's fault (the API server refuses too); anything else is cel-js's. */
const isDataError = (error: unknown) => error instanceof Error && /^No such key/.test(error.message);

interface CompiledRule {
  rule: string;
  message: string;
  run?: ParseResult;
  transition: boolean;
  parseError?: string;
}

export function createCrdValidator(crdFile: string, stats: CelStats): CrdValidator {
  const docs = parseAllDocuments(readFileSync(crdFile, 'utf8')).map((d) => d.toJS() as Record<string, unknown> | null);
  const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition') as {
    spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const ajv = createAjv();
  const rules = new WeakMap<object, CompiledRule[]>();
  const compileRules = (schema: unknown): void => {
    if (Array.isArray(schema)) return schema.forEach(compileRules);
    if (schema === null || typeof schema !== 'object') return;
    const s = schema as Schema;
    if (s['x-kubernetes-validations']) {
      rules.set(
        s,
        s['x-kubernetes-validations'].map(({ rule, message, optionalOldSelf }) => {
          stats.rules++;
          const transition = /\boldSelf\b/.test(rule) && !optionalOldSelf;
          try {
            return { rule, message: message ?? rule, run: parseCel(rule), transition };
          } catch (error) {
            stats.unparsable++;
            return { rule, message: message ?? rule, transition, parseError: (error as Error).message.split('\n')[0] };
          }
        }),
      );
    }
    Object.values(s).forEach(compileRules);
  };
  const versions = new Map<string, { schema: Schema; check: ValidateFunction }>();
  for (const version of crd.spec.versions) {
    // The API server accepts apiVersion, kind and metadata on every object, declared or not (Istio's CRDs do not).
    const declared = version.schema.openAPIV3Schema;
    const schema: Schema = { ...declared, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...declared.properties } };
    compileRules(schema);
    versions.set(version.name, { schema, check: ajv.compile(strict(schema) as object) });
  }

  /** Every rule on the path of the data: properties, additionalProperties, items (where the API server looks). */
  const evaluate = (schema: Schema | undefined, data: unknown, path: string, errors: string[]): void => {
    if (!schema || data === undefined || data === null) return;
    for (const compiled of rules.get(schema) ?? []) {
      if (compiled.transition) {
        stats.transitionSkipped++;
        continue;
      }
      if (!compiled.run) {
        stats.unevaluable.push({ rule: compiled.rule, reason: compiled.parseError ?? 'unparsable' });
        continue;
      }
      try {
        const passed = compiled.run({ self: celValue(schema, data) }) === true;
        stats.evaluated++;
        stats.answered.add(compiled.rule);
        if (!passed) errors.push(`${path || '<root>'}: ${compiled.message} (CEL: ${compiled.rule})`);
      } catch (error) {
        if (isDataError(error)) {
          stats.evaluated++;
          stats.answered.add(compiled.rule);
          errors.push(`${path || '<root>'}: ${compiled.message} (CEL error: ${(error as Error).message.split('\n')[0]})`);
        } else stats.unevaluable.push({ rule: compiled.rule, reason: (error as Error).message.split('\n')[0] ?? '' });
      }
    }
    if (Array.isArray(data)) return data.forEach((item, i) => evaluate(schema.items, item, `${path}[${i}]`, errors));
    if (typeof data !== 'object') return;
    for (const [key, value] of Object.entries(data)) {
      const child = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      evaluate(child, value, path ? `${path}.${key}` : key, errors);
    }
  };

  return {
    group: crd.spec.group,
    kind: crd.spec.names.kind,
    versions: [...versions.keys()],
    validate(object) {
      const o = object as { apiVersion?: string; kind?: string; metadata?: unknown };
      const version = o.apiVersion?.startsWith(`${crd.spec.group}/`) ? versions.get(o.apiVersion.slice(crd.spec.group.length + 1)) : undefined;
      if (!version || o.kind !== crd.spec.names.kind) return [`${o.apiVersion}/${o.kind} is not served by the ${crd.spec.names.kind} CRD`];
      const defaulted = structuredClone(object);
      const errors = version.check(defaulted) ? [] : (version.check.errors ?? []).map((e) => `${e.instancePath || '<root>'}: ${e.message} ${JSON.stringify(e.params)}`);
      evaluate(version.schema, defaulted, '', errors);
      return [...errors, ...checkMetadata(o.metadata)];
    },
  };
}

/** Rules of a schema reachable the way `evaluate` walks (to prove none sits where the walk never looks). */
export function countRules(schema: unknown, reachable = false): number {
  if (schema === null || typeof schema !== 'object') return 0;
  const s = schema as Schema;
  const own = s['x-kubernetes-validations']?.length ?? 0;
  if (!reachable) return own + Object.values(s).reduce<number>((n, v) => n + (Array.isArray(v) ? v.reduce<number>((m, x) => m + countRules(x), 0) : countRules(v)), 0);
  const children = [...Object.values(s.properties ?? {}), ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties] : []), ...(s.items ? [s.items] : [])];
  return own + children.reduce<number>((n, child) => n + countRules(child, true), 0);
}

/** The openAPIV3Schema of each version of a CRD file. */
export function crdSchemas(crdFile: string): Schema[] {
  const docs = parseAllDocuments(readFileSync(crdFile, 'utf8')).map((d) => d.toJS() as { kind?: string; spec?: { versions: { schema: { openAPIV3Schema: Schema } }[] } } | null);
  return docs.find((d) => d?.kind === 'CustomResourceDefinition')!.spec!.versions.map((v) => v.schema.openAPIV3Schema);
}
