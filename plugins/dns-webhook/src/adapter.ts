/**
 * The webhook client as a Portico DNS provider client: zones from the negotiation, record sets with their comment,
 * and every change of one apply in one `POST /records`.
 */
import type { DnsProviderClient, ProviderChange } from '@portico/kernel';
import type { WebhookChanges, WebhookDnsClient } from './client.ts';
import { normalName } from './endpoints.ts';
import { clientError, WebhookDnsError } from './errors.ts';

export interface WebhookAdapterOptions {
  /** How Portico marks its record sets: `comment` needs a server that declares `portico.comments`. */
  ownership: 'comment' | 'txt';
}

/** The contract's client over a webhook client. Errors pass up as they are: they carry the kernel's `kind`. */
export function webhookProviderClient(client: WebhookDnsClient, { ownership }: WebhookAdapterOptions): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const { zones, portico } = await client.negotiate(ctx);
      // Without comments kept, every record set Portico writes would read back as nobody's: refuse the setup now.
      if (ownership === 'comment' && !portico?.comments) {
        throw clientError(
          'comments_unsupported',
          'The DNS webhook server does not keep record-set comments (no "portico": { "comments": true } in GET /): set the dns.webhook option "ownership" to "txt"',
        );
      }
      const extension = portico ? `, Portico extension ${portico.version}` : '';
      return { zones: zones.map((zone) => zone.name), message: `DNS webhook protocol 1${extension}, ${zones.length} zone(s)` };
    },

    async listZones(ctx) {
      return (await client.negotiate(ctx)).zones.map((zone) => zone.name);
    },

    async getZone(zone, ctx) {
      const name = normalName(zone);
      const found = (await client.negotiate(ctx)).zones.find((candidate) => candidate.name === name);
      if (!found) throw new WebhookDnsError('not_found', `The DNS webhook server does not serve zone ${name}`, { providerCode: 'zone_not_found' });
      return { name: found.name, nameservers: found.nameservers };
    },

    async getRecords(zone, { names } = {}, ctx) {
      return client.getRecords({ zone, names }, ctx);
    },

    async applyChanges(_zone, changes, ctx) {
      await client.applyChanges(toWebhookChanges(changes), { signal: ctx?.signal, comment: ctx?.comment });
    },
  };
}

/** The kernel's writes as one `POST /records`: updates carry the set as read, deletes the values they expect to remove. */
export function toWebhookChanges(changes: readonly ProviderChange[]): WebhookChanges {
  const out: Required<WebhookChanges> = { create: [], update: [], delete: [] };
  for (const { action, set, before } of changes) {
    if (action === 'create') out.create.push(set);
    else if (action === 'update') out.update.push({ old: before ?? { ...set, values: [] }, new: set });
    else out.delete.push(before ?? set);
  }
  return out;
}
