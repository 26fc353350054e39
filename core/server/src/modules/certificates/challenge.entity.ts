import { defineEntity, p } from '@mikro-orm/core';

/**
 * An ACME HTTP-01 token Portico answers at `/.well-known/acme-challenge/<token>` while an issuance runs (edges
 * forward that path to Portico). In the database, so whichever process the CA reaches can answer.
 */
export const AcmeChallengeSchema = defineEntity({
  name: 'AcmeChallenge',
  tableName: 'acme_challenges',
  properties: {
    token: p.string().length(255).primary(),
    hostname: p.string().length(253),
    keyAuthorization: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AcmeChallenge extends AcmeChallengeSchema.class {}
AcmeChallengeSchema.setClass(AcmeChallenge);

/**
 * A DNS-01 value Portico wants at `_acme-challenge.<name>` while an order runs. Several orders can share one name
 * (`example.com` and `*.example.com`), so the TXT record set is written as the union of every row for the name and a
 * finished order removes only its own value.
 */
export const AcmeDnsChallengeSchema = defineEntity({
  name: 'AcmeDnsChallenge',
  tableName: 'acme_dns_challenges',
  properties: {
    name: p.string().length(253).primary(),
    value: p.string().length(255).primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AcmeDnsChallenge extends AcmeDnsChallengeSchema.class {}
AcmeDnsChallengeSchema.setClass(AcmeDnsChallenge);
