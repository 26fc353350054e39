/**
 * Form fields from a plugin's JSON Schema (the `credentialSchema` of `GET /v1/providers`): one field per property
 * of an object schema, typed from the property. A field is secret (a password input, never kept after a failed
 * attempt) when the schema says so (`format: "password"`, `writeOnly`, `x-secret`) or its name says token, secret,
 * password or API key.
 */
export type FieldKind = 'text' | 'password' | 'number' | 'checkbox' | 'select';

export interface SchemaField {
  name: string;
  label: string;
  description: string;
  kind: FieldKind;
  /** Whole numbers only (`type: "integer"`). */
  integer: boolean;
  options: string[];
  required: boolean;
  secret: boolean;
  defaultValue: string | boolean | undefined;
}

export type FieldValues = Record<string, string | boolean>;

interface PropertySchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  format?: string;
  writeOnly?: boolean;
  'x-secret'?: boolean;
  default?: unknown;
  anyOf?: PropertySchema[];
}

const SECRET_NAME = /token|secret|password|passphrase|api[-_]?key|private[-_]?key/i;

/** `apiToken` → "Api token", `zone_id` → "Zone id" (a schema `title` wins). */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function typeOf(prop: PropertySchema): string | undefined {
  const own = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  return own ?? prop.anyOf?.map(typeOf).find((t) => t && t !== 'null');
}

export function isSecretProperty(name: string, prop: PropertySchema): boolean {
  return prop.format === 'password' || prop.writeOnly === true || prop['x-secret'] === true || SECRET_NAME.test(name);
}

export function fieldsFromSchema(schema: Record<string, unknown> | null | undefined): SchemaField[] {
  const properties = (schema?.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, prop]) => {
    const type = typeOf(prop);
    const options = (prop.enum ?? prop.anyOf?.flatMap((p) => p.enum ?? []) ?? []).map(String);
    const secret = isSecretProperty(name, prop);
    let kind: FieldKind = 'text';
    if (options.length) kind = 'select';
    else if (type === 'boolean') kind = 'checkbox';
    else if (type === 'number' || type === 'integer') kind = 'number';
    else if (secret) kind = 'password';
    const fallback = prop.default;
    return {
      name,
      label: prop.title ?? humanize(name),
      description: prop.description ?? '',
      kind,
      integer: type === 'integer',
      options,
      required: required.has(name),
      secret: kind === 'password',
      defaultValue: typeof fallback === 'boolean' ? fallback : fallback === undefined || fallback === null ? undefined : String(fallback),
    };
  });
}

/** Starting values: each field's default, else empty (unchecked for checkboxes). */
export function initialValues(fields: SchemaField[]): FieldValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.defaultValue ?? (f.kind === 'checkbox' ? false : '')]));
}

export interface CollectedValues {
  /** The values to send: typed, trimmed, empty optional fields left out. */
  values: Record<string, unknown>;
  /** Required fields left empty. */
  missing: string[];
  /** Number fields that hold no number. */
  invalid: string[];
}

export function collectValues(fields: SchemaField[], input: FieldValues): CollectedValues {
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const field of fields) {
    const raw = input[field.name];
    if (field.kind === 'checkbox') {
      values[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : raw === undefined ? '' : String(raw);
    if (!text) {
      if (field.required) missing.push(field.name);
      continue;
    }
    if (field.kind === 'number') {
      const number = Number(text);
      if (!Number.isFinite(number) || (field.integer && !Number.isInteger(number))) invalid.push(field.name);
      else values[field.name] = number;
      continue;
    }
    values[field.name] = text;
  }
  return { values, missing, invalid };
}

/** The same values with every secret field emptied (after a refused attempt: nothing secret stays in the page). */
export function withoutSecrets(fields: SchemaField[], input: FieldValues): FieldValues {
  const next = { ...input };
  for (const field of fields) if (field.secret) next[field.name] = '';
  return next;
}
