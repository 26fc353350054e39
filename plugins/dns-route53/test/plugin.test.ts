// What the conformance suite cannot know about the plugin: its descriptor, options, credential form, detection,
// and that README.md says what the code does.
import { readFile } from 'node:fs/promises';
import { z, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import route53, { ROUTE53_NAMESERVERS, ROUTE53_PERMISSIONS } from '../src/index.ts';
import { startFakeRoute53, type FakeRoute53 } from './fake-route53.ts';
import { credentials, KEY_ID } from './helpers.ts';

let fake: FakeRoute53;
let kernel: Kernel;

beforeAll(async () => {
  fake = await startFakeRoute53({ accessKeys: [KEY_ID], zones: [{ id: 'ZSHOP', name: 'shop.test' }] });
  kernel = await createTestKernel([{ plugin: route53, options: { endpoint: fake.url } }]);
});

afterAll(async () => {
  await kernel?.close();
  await fake?.close();
});

const readme = () => readFile(new URL('../README.md', import.meta.url), 'utf8');
const section = (text: string, title: string) => text.split('\n## ').find((part) => part.startsWith(title)) ?? '';

describe('the descriptor', () => {
  it('describes the route53 provider', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        apiVersion: 1,
        plugin: 'dns.route53',
        provider: 'route53',
        displayName: 'Amazon Route 53',
        setup: 'api',
        nameservers: [...ROUTE53_NAMESERVERS],
        permissions: [...ROUTE53_PERMISSIONS],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
  });

  it('is detected from an awsdns delegation set, replacing the well-known row', async () => {
    const detection = await kernel.detectProvider({
      hostname: 'www.shop.example',
      nameservers: ['ns-1536.awsdns-00.co.uk', 'ns-0.awsdns-00.com', 'ns-1024.awsdns-00.org', 'ns-512.awsdns-00.net'],
    });
    expect(detection).toMatchObject({ provider: 'route53', setup: 'api', confidence: 'high' });
  });

  it('reports a credential form: two required fields, two optional, each with a title and a description', () => {
    const schema = z.toJSONSchema(kernel.descriptors.dnsProviders[0]!.credentials!, { io: 'input' }) as {
      required: string[];
      properties: Record<string, { title?: string; description?: string }>;
    };
    expect(schema.required).toEqual(['accessKeyId', 'secretAccessKey']);
    expect(Object.keys(schema.properties)).toEqual(['accessKeyId', 'secretAccessKey', 'sessionToken', 'hostedZoneId']);
    for (const field of Object.values(schema.properties)) expect(field).toMatchObject({ title: expect.any(String), description: expect.any(String) });
  });
});

describe('options and credentials', () => {
  it('refuses invalid options', async () => {
    for (const options of [{ endpoint: 'not a url' }, { region: '' }, { maxAttempts: 0 }, { timeoutMs: 5 }, { nameservers: [''] }]) {
      await expect(createTestKernel([{ plugin: route53, options }])).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('checks credential fields before any request, naming fields only', async () => {
    const before = fake.requests.length;
    for (const bad of [{}, { accessKeyId: KEY_ID }, { ...credentials, hostedZoneId: 'not an id' }]) {
      await expect(kernel.dns('route53').verifyCredentials(bad)).rejects.toMatchObject({ code: 'DNS_CREDENTIALS_INVALID' });
    }
    expect(fake.requests.length).toBe(before);
  });

  it('accepts a hostedZoneId with or without /hostedzone/', async () => {
    for (const hostedZoneId of ['ZSHOP', '/hostedzone/ZSHOP']) {
      await expect(kernel.dns('route53').getZone('shop.test', { ...credentials, hostedZoneId })).resolves.toMatchObject({ id: 'ZSHOP', name: 'shop.test' });
    }
  });

  it('maxAttempts 1 by default: a throttled call is not retried behind the job layer\'s back', async () => {
    const before = fake.requests.length;
    fake.failNext('throttling');
    await expect(kernel.dns('route53').getZone('shop.test', credentials)).rejects.toMatchObject({ kind: 'rate_limit' });
    expect(fake.requests.length - before).toBe(1);
  });

  it('maxAttempts > 1 lets the SDK retry a throttled call itself', async () => {
    const retrying = await createTestKernel([{ plugin: route53, options: { endpoint: fake.url, maxAttempts: 2 } }]);
    try {
      fake.failNext('throttling');
      await expect(retrying.dns('route53').getZone('shop.test', credentials)).resolves.toMatchObject({ id: 'ZSHOP' });
    } finally {
      await retrying.close();
    }
  });
});

describe('README.md', () => {
  it('lists exactly the permissions the descriptor reports', async () => {
    const listed = section(await readme(), 'Token permissions')
      .split('\n')
      .filter((line) => line.startsWith('- '))
      .map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(kernel.descriptors.dnsProviders[0]!.permissions);
  });

  it('has an IAM policy that grants those actions on those resources, and nothing else', async () => {
    const json = /```json\n([\s\S]*?)\n```/.exec(section(await readme(), 'Token permissions'))?.[1];
    const policy = JSON.parse(json ?? '{}') as { Statement: Array<{ Effect: string; Action: string[]; Resource: string }> };
    const granted = policy.Statement.flatMap((s) => s.Action.map((action) => `${action} on ${s.Resource}`)).sort();
    const lines = ROUTE53_PERMISSIONS.map((line) => /^(\S+) on (\S+)/.exec(line)!.slice(1, 3).join(' on ')).sort();
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(granted).toEqual(lines);
  });

  it('documents every option with its default', async () => {
    const options = section(await readme(), 'Options');
    for (const name of ['endpoint', 'region', 'nameservers', 'maxAttempts', 'timeoutMs']) expect(options).toContain(`\`${name}\``);
    expect(options).toContain('`"us-east-1"`');
    expect(options).toContain('`1`');
    expect(options).toContain('`10000`');
  });
});
