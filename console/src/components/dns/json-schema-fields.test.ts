import { describe, expect, it } from 'vitest';
import { collectValues, fieldsFromSchema, humanize, initialValues, withoutSecrets } from './json-schema-fields';

// Shaped like z.toJSONSchema output for plugin credential schemas (Cloudflare, RFC 2136, Route 53).
const schema = {
  type: 'object',
  properties: {
    apiToken: { type: 'string', minLength: 1, description: 'A Cloudflare API token' },
    accessKeyId: { type: 'string', title: 'Access key ID' },
    keyName: { type: 'string' },
    signingKey: { type: 'string', format: 'password' },
    hidden: { type: 'string', writeOnly: true },
    algorithm: { type: 'string', enum: ['hmac-sha256', 'hmac-sha512'], default: 'hmac-sha256' },
    ttl: { type: 'integer' },
    weight: { type: ['number', 'null'] },
    proxied: { type: 'boolean', default: true },
  },
  required: ['apiToken', 'ttl'],
  additionalProperties: false,
};

describe('fieldsFromSchema', () => {
  const fields = fieldsFromSchema(schema);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it('types each property: secrets as passwords, enums as selects, numbers, booleans as checkboxes', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['apiToken', 'password'],
      ['accessKeyId', 'text'],
      ['keyName', 'text'],
      ['signingKey', 'password'],
      ['hidden', 'password'],
      ['algorithm', 'select'],
      ['ttl', 'number'],
      ['weight', 'number'],
      ['proxied', 'checkbox'],
    ]);
    expect(byName.algorithm!.options).toEqual(['hmac-sha256', 'hmac-sha512']);
    expect(byName.ttl!.integer).toBe(true);
    expect(byName.weight!.integer).toBe(false);
  });

  it('marks required fields, uses titles or readable names, keeps descriptions', () => {
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(['apiToken', 'ttl']);
    expect(byName.accessKeyId!.label).toBe('Access key ID');
    expect(byName.apiToken!.label).toBe('Api token');
    expect(byName.apiToken!.description).toBe('A Cloudflare API token');
    expect(humanize('zone_id')).toBe('Zone id');
  });

  it('has no fields without a schema', () => {
    expect(fieldsFromSchema(null)).toEqual([]);
  });

  it('starts from defaults', () => {
    expect(initialValues(fields)).toMatchObject({ apiToken: '', algorithm: 'hmac-sha256', proxied: true, ttl: '' });
  });
});

describe('collectValues', () => {
  const fields = fieldsFromSchema(schema);

  it('types and trims what was typed, leaves out empty optional fields and names the missing required ones', () => {
    const result = collectValues(fields, { ...initialValues(fields), apiToken: '  abc  ', ttl: '', weight: '2.5', proxied: false });
    expect(result.missing).toEqual(['ttl']);
    expect(result.values).toEqual({ apiToken: 'abc', algorithm: 'hmac-sha256', weight: 2.5, proxied: false });
  });

  it('refuses numbers that are not numbers, and fractions in integer fields', () => {
    expect(collectValues(fields, { apiToken: 'x', ttl: '1.5', weight: 'lots' }).invalid).toEqual(['ttl', 'weight']);
    expect(collectValues(fields, { apiToken: 'x', ttl: '300' }).values).toMatchObject({ ttl: 300 });
  });

  it('empties only the secret fields after a refused attempt', () => {
    const values = { apiToken: 'secret', accessKeyId: 'AKIA', signingKey: 'k', hidden: 'h', ttl: '300' };
    expect(withoutSecrets(fields, values)).toEqual({ apiToken: '', accessKeyId: 'AKIA', signingKey: '', hidden: '', ttl: '300' });
  });
});
