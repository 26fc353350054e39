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
