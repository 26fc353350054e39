import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { RecordSet } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { toRoute53Name, toRoute53Value } from '../src/content.ts';
import route53 from '../src/index.ts';
import { startFakeRoute53, type FakeRoute53Options } from './fake-route53.ts';

export const ZONE = 'example.com';
export const ZONE_ID = 'Z0EXAMPLE000000000001';
export const KEY_ID = 'AKIAPORTICOFAKE00001';
export const READ_ONLY_KEY_ID = 'AKIAPORTICOREADONLY1';
/** Looks like a real secret so a leak would be recognisable; the fake never checks it (it does not verify signatures). */
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPORTICOSECRET';
export const SESSION_TOKEN = 'FwoGZXIvYXdzEPORTICO-SESSION-TOKEN//////////wEaDM';

export const credentials = { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: SESSION_TOKEN };
export const badCredentials = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: SECRET };

/** A fake with `example.com` (public, plus a private twin that must be ignored) and a kernel with the plugin on it. */
export async function startEnvironment(fakeOptions: Partial<FakeRoute53Options> = {}, pluginOptions: Record<string, unknown> = {}) {
  const fake = await startFakeRoute53({
    accessKeys: [KEY_ID, READ_ONLY_KEY_ID],
    readOnlyKeys: [READ_ONLY_KEY_ID],
    zones: [
      { id: ZONE_ID, name: `${ZONE}.` },
      { id: 'Z0EXAMPLEPRIVATE00001', name: ZONE, privateZone: true },
    ],
    ...fakeOptions,
  });
  const kernel = await createTestKernel([{ plugin: route53, options: { endpoint: fake.url, ...pluginOptions } }]);
  const sdk = new Route53Client({ endpoint: fake.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } });

  /** Writes a record set the way a person would (the SDK directly, CREATE, no owner marker). */
  async function writeForeign(set: RecordSet, zoneId = ZONE_ID): Promise<void> {
    await sdk.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: { Name: toRoute53Name(set.name), Type: set.type, TTL: set.ttl, ResourceRecords: set.values.map((v) => ({ Value: toRoute53Value(set.type, v) })) },
            },
          ],
        },
      }),
    );
  }

  return {
    fake,
    kernel,
    sdk,
    writeForeign,
    async close() {
      sdk.destroy();
      await kernel.close();
      await fake.close();
    },
  };
}
