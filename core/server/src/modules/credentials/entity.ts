import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';

/**
 * A delegated DNS provider credential of one project. `sealed` is the credential encrypted with
 * the secret box (crypto.ts), bound to `<organizationId>:<id>`; it is hidden from every serialisation and the
 * API never returns it. It is stored only after the provider accepted it.
 */
export const DnsCredentialSchema = defineEntity({
  name: 'DnsCredential',
  tableName: 'dns_credentials',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    /** The DNS provider key (`powerdns`, `cloudflare`). */
    provider: p.string().length(64),
    label: p.string().length(120),
    /**
     * Set when the SaaS's customer stored the credential through the Connect widget: the token's customer reference.
     * Such a credential serves only that customer's widget sessions (and the SaaS's own team), never another customer.
     */
    customerRef: p.string().length(200).nullable(),
    sealed: p.text().hidden().lazy(),
    /** Zones the provider said this credential reaches, when it says (lower case). */
    zones: p.array().nullable(),
    verifiedAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['project', 'provider'] }],
});
export class DnsCredential extends DnsCredentialSchema.class {}
DnsCredentialSchema.setClass(DnsCredential);
