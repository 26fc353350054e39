import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { DOMAIN_STATUSES } from './lifecycle.ts';
import { Domain } from './entity.ts';

/** One change of a domain's status, with its cause and a message telling the user what to do. */
export const DomainEventSchema = defineEntity({
  name: 'DomainEvent',
  tableName: 'domain_events',
  properties: {
    ...baseColumns,
    domain: () => p.manyToOne(Domain).deleteRule('cascade'),
    fromStatus: p.enum(DOMAIN_STATUSES).nullable(),
    toStatus: p.enum(DOMAIN_STATUSES),
    /** Machine-readable cause (`record_missing`, `verified`, …). */
    reason: p.string().length(64),
    message: p.text(),
    details: p.json<Record<string, unknown>>().nullable(),
  },
  indexes: [{ properties: ['domain', 'createdAt'] }],
});
export class DomainEvent extends DomainEventSchema.class {}
DomainEventSchema.setClass(DomainEvent);
