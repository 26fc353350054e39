/**
 * Domain Connect templates (the Templates repository format) and their expansion into Portico record sets.
 *
 * A template record's `host` is relative to the host the template is applied to (`[host.]domain`) unless it ends
 * with a dot; `@` or empty is that host itself. `pointsTo` `@` is the same name. `%domain%`, `%host%` and
 * `%fqdn%` are built in; any other `%name%` is a variable the apply URL supplies. Names are case-insensitive.
 */
import { readFileSync } from 'node:fs';
import { DnsProviderError, isInZone, z, type RecordSet, type RecordType } from '@portico/kernel';

/** Provider, service and group ids: 1 to 63 of letters, digits, `-`, `_`, `.` (the spec's `dc-id`). */
export const DC_ID = /^[A-Za-z0-9._-]{1,63}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
const BUILT_IN = new Set(['domain', 'host', 'fqdn']);
/** Query parameters of the apply URL: a template variable must not be called like one of them. */
export const RESERVED_PARAMETERS = new Set(
  ['providerId', 'serviceId', 'domain', 'host', 'redirect_uri', 'state', 'providerName', 'serviceName', 'groupId', 'sig', 'key', 'crit', 'client_id', 'response_type', 'scope', 'force'].map((p) => p.toLowerCase()),
);

type Token = { literal: string } | { variable: string; spelled: string };

/** Split `a%b%c` into literal and variable tokens; throws on an unpaired `%` or a malformed variable name. */
function tokenize(text: string): Token[] {
  const parts = text.split('%');
  if (parts.length % 2 === 0) throw new Error(`unpaired % in "${text}"`);
  return parts.flatMap((part, i): Token[] => {
    if (i % 2 === 0) return part === '' ? [] : [{ literal: part }];
    if (!VARIABLE_NAME.test(part)) throw new Error(`"%${part}%" in "${text}" is not a variable name (letters, digits, - and _)`);
    return [{ variable: part.toLowerCase(), spelled: part }];
  });
}

const templated = z.string().superRefine((text, ctx) => {
  try {
    tokenize(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const templateRecordSchema = z.looseObject({
  type: z.enum(['A', 'AAAA', 'CNAME', 'TXT'], { message: 'Portico applies template records of type A, AAAA, CNAME and TXT only' }),
  host: templated.optional(),
  pointsTo: templated.optional(),
  data: templated.optional(),
  ttl: z.union([z.number().int().min(0), templated]).optional(),
  groupId: z.string().regex(DC_ID).optional(),
  essential: z.enum(['Always', 'OnApply']).optional(),
  txtConflictMatchingMode: z.enum(['None', 'All', 'Prefix']).optional(),
  txtConflictMatchingPrefix: z.string().min(1).optional(),
});

/** A service template as in the Domain Connect Templates repository (unknown fields are kept). */
export const templateSchema = z.looseObject({
  providerId: z.string().regex(DC_ID),
  providerName: z.string().min(1),
  serviceId: z.string().regex(DC_ID),
  serviceName: z.string().min(1),
  version: z.number().int().positive().optional(),
  syncPubKeyDomain: z.string().min(1).optional(),
  syncRedirectDomain: z.string().min(1).optional(),
  syncBlock: z.boolean().optional(),
  hostRequired: z.boolean().optional(),
  records: z.array(templateRecordSchema).min(1),
});

export type DomainConnectTemplate = z.output<typeof templateSchema>;
export type TemplateRecord = DomainConnectTemplate['records'][number];

/** The template shipped in this package's `templates/` folder for `providerId.serviceId` (lower case). */
export function loadShippedTemplate(providerId: string, serviceId: string): DomainConnectTemplate {
  const file = new URL(`../templates/${`${providerId}.${serviceId}`.toLowerCase()}.json`, import.meta.url);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`no template ${providerId}.${serviceId}.json ships with @portico/dns-domainconnect: pass your template in the "template" option`, { cause: error });
  }
  return templateSchema.parse(JSON.parse(text));
}

/** The custom variables a template uses, as first spelled in it. */
export function templateVariables(template: DomainConnectTemplate): string[] {
  const seen = new Map<string, string>();
  for (const record of template.records) {
    for (const field of [record.host, record.pointsTo, record.data, record.ttl]) {
      if (typeof field !== 'string') continue;
      for (const token of tokenize(field)) if ('variable' in token && !BUILT_IN.has(token.variable) && !seen.has(token.variable)) seen.set(token.variable, token.spelled);
    }
  }
  return [...seen.values()];
}

/** A template record compiled to patterns for its absolute name and its value. */
interface Slot {
  record: TemplateRecord;
  type: RecordType;
  name: Token[];
  value: Token[];
  /** Whether the value compares case-insensitively (names, addresses), unlike TXT text. */
  foldCase: boolean;
}

const FQDN: Token = { variable: 'fqdn', spelled: 'fqdn' };

function compile(record: TemplateRecord): Slot {
  const host = (record.host ?? '').trim();
  const name = host === '' || host === '@' ? [FQDN] : host.endsWith('.') ? tokenize(host.slice(0, -1)) : [...tokenize(host), { literal: '.' }, FQDN];
  if (record.type === 'TXT') return { record, type: 'TXT', name, value: tokenize(record.data ?? ''), foldCase: false };
  const target = (record.pointsTo ?? '').trim();
  const value = record.type === 'CNAME' && (target === '' || target === '@') ? [FQDN] : tokenize(target.replace(/\.$/, ''));
  return { record, type: record.type, name, value, foldCase: true };
}

const describeRecord = (record: TemplateRecord) => `${record.type} ${record.host ?? '@'}`;

/** Built-ins for `domain` and `host`, lower case. */
function builtIns(domain: string, host: string): Map<string, string> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  return new Map([
    ['domain', d],
    ['host', h],
    ['fqdn', h === '' ? d : `${h}.${d}`],
  ]);
}

function substitute(tokens: Token[], values: Map<string, string>, record: TemplateRecord): string {
  return tokens
    .map((token) => {
      if ('literal' in token) return token.literal;
      const value = values.get(token.variable);
      if (value === undefined) throw new DnsProviderError('unsupported', `Template record ${describeRecord(record)} needs %${token.spelled}%, which has no value`);
      return value;
    })
    .join('');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Match `text` against a pattern, binding its unbound variables; undefined when it does not match. */
function bind(tokens: Token[], text: string, bound: Map<string, string>, foldCase: boolean): Map<string, string> | undefined {
  const groups: string[] = [];
  let source = '^';
  for (const token of tokens) {
    if ('literal' in token) source += escapeRegExp(token.literal);
    else if (bound.has(token.variable)) source += escapeRegExp(bound.get(token.variable)!);
    else if (groups.includes(token.variable)) source += `(?:\\${groups.indexOf(token.variable) + 1})`;
    else {
      groups.push(token.variable);
      source += '(.+?)';
    }
  }
  const match = new RegExp(`${source}$`, foldCase ? 'is' : 's').exec(text);
  if (!match) return undefined;
  const next = new Map(bound);
  groups.forEach((variable, i) => next.set(variable, match[i + 1]));
  return next;
}

function ttlOf(record: TemplateRecord, values: Map<string, string>): number {
  if (record.ttl === undefined) return 3600;
  if (typeof record.ttl === 'number') return record.ttl;
  const ttl = Number(substitute(tokenize(record.ttl), values, record));
  if (!Number.isInteger(ttl) || ttl < 0) throw new DnsProviderError('unsupported', `Template record ${describeRecord(record)} has a TTL that is not a whole number of seconds`);
  return ttl;
}

function checkHost(template: DomainConnectTemplate, values: Map<string, string>): void {
  if (template.hostRequired && values.get('host') === '') {
    throw new DnsProviderError('unsupported', `Template ${template.providerId}/${template.serviceId} cannot be applied at the apex of a zone (hostRequired)`);
  }
}

function selectRecords(template: DomainConnectTemplate, groupIds?: readonly string[]): TemplateRecord[] {
  if (groupIds === undefined) return template.records;
  const wanted = new Set(groupIds);
  return template.records.filter((r) => r.groupId !== undefined && wanted.has(r.groupId));
}

export interface ExpandInput {
  /** The zone the template is applied to (`example.com`). */
  domain: string;
  /** The host within it, relative (`shop`), empty for the apex. */
  host: string;
  /** Values of the template's own variables (names case-insensitive). */
  variables: Record<string, string>;
  /** Apply only the records of these groups (the `groupId` parameter). */
  groupIds?: readonly string[];
}

/**
 * The record sets a DNS provider writes when it applies `template` (one set per name and type, the lowest TTL of
 * its records). Names absolute, lower case, no trailing dot. Throws `unsupported` for a missing variable, and
 * for the apex when the template says `hostRequired`.
 */
export function expandTemplate(template: DomainConnectTemplate, input: ExpandInput): RecordSet[] {
  const values = builtIns(input.domain, input.host);
  checkHost(template, values);
  const custom = new Map(Object.entries(input.variables).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [k, v] of values) custom.set(k, v);
  const sets = new Map<string, RecordSet>();
  for (const record of selectRecords(template, input.groupIds)) {
    const slot = compile(record);
    const name = substitute(slot.name, custom, record).toLowerCase().replace(/\.$/, '');
    const raw = substitute(slot.value, custom, record);
    const value = slot.type === 'TXT' ? raw : raw.toLowerCase().replace(/\.$/, '');
    const ttl = ttlOf(record, custom);
    const key = `${name} ${slot.type}`;
    const set = sets.get(key) ?? { name, type: slot.type, ttl, values: [] };
    set.ttl = Math.min(set.ttl, ttl);
    if (!set.values.includes(value)) set.values.push(value);
    sets.set(key, set);
  }
  return [...sets.values()];
}

export interface TemplateMatch {
  /** The variables to put in the apply URL, named as the template spells them. */
  variables: Record<string, string>;
  /** The `groupId` parameter, when the template groups all its records; undefined: the whole template. */
  groupIds?: string[];
  /** Everything applying the template with these variables writes, wanted or not. */
  records: RecordSet[];
}

interface Wanted {
  name: string;
  type: RecordType;
  value: string;
}

/**
 * The variables (and groups) with which `template`, applied at `host` of `domain`, writes every value of
 * `desired`. Throws `unsupported` when no assignment of variables does, or when the records the template would
 * write along with them need a variable nothing supplies.
 */
export function matchTemplate(template: DomainConnectTemplate, input: { domain: string; host: string; desired: readonly RecordSet[] }): TemplateMatch {
  const base = builtIns(input.domain, input.host);
  checkHost(template, base);
  const zone = base.get('domain')!;
  const wanted: Wanted[] = input.desired.flatMap((set) => {
    const name = set.name.toLowerCase().replace(/\.$/, '');
    if (!isInZone(name, zone)) throw new DnsProviderError('validation', `${set.name} is not in zone ${zone}`);
    return set.values.map((v) => ({ name, type: set.type, value: set.type === 'TXT' ? v : v.toLowerCase().replace(/\.$/, '') }));
  });
  const slots = template.records.map(compile);
  const spelled = new Map<string, string>();
  for (const slot of slots) for (const t of [...slot.name, ...slot.value]) if ('variable' in t && !spelled.has(t.variable)) spelled.set(t.variable, t.spelled);

  // Backtracking over which template record produces which wanted value; templates are small.
  const used = new Set<number>();
  const assigned: number[] = [];
  const search = (i: number, bound: Map<string, string>): Map<string, string> | undefined => {
    if (i === wanted.length) return bound;
    const want = wanted[i];
    for (const [index, slot] of slots.entries()) {
      if (used.has(index) || slot.type !== want.type) continue;
      const named = bind(slot.name, want.name, bound, true);
      const valued = named && bind(slot.value, want.value, named, slot.foldCase);
      if (!valued) continue;
      used.add(index);
      assigned[i] = index;
      const found = search(i + 1, valued);
      if (found) return found;
      used.delete(index);
    }
    return undefined;
  };
  const bound = search(0, base);
  if (!bound) {
    const alone = (w: Wanted) =>
      slots.some((s) => {
        const named = s.type === w.type ? bind(s.name, w.name, base, true) : undefined;
        return named !== undefined && bind(s.value, w.value, named, s.foldCase) !== undefined;
      });
    const first = wanted.find((w) => !alone(w));
    const what = first ? `${first.type} ${first.name} ${first.value}` : 'the requested records together';
    throw new DnsProviderError('unsupported', `Template ${template.providerId}/${template.serviceId} cannot produce ${what}: set these records up by hand or with another DNS provider`);
  }

  const grouped = template.records.every((r) => r.groupId !== undefined);
  const groupIds = grouped ? [...new Set(assigned.map((index) => template.records[index].groupId!))] : undefined;
  const variables: Record<string, string> = {};
  for (const [key, value] of bound) if (!BUILT_IN.has(key)) variables[spelled.get(key) ?? key] = value;
  const records = expandTemplate(template, { domain: input.domain, host: input.host, variables, groupIds });
  return groupIds === undefined ? { variables, records } : { variables, groupIds, records };
}
