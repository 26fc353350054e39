import { defineEntity, p } from '@mikro-orm/core';

/**
 * A name `/edge/ask` let an edge obtain a certificate for on demand although only a wildcard mapping serves it.
 * The rows are the budget every API process shares: new names per wildcard and per registered domain are counted
 * over a rolling window (on-demand-limits.ts). A row is kept, so the name stays allowed for its renewals.
 */
export const OnDemandApprovalSchema = defineEntity({
  name: 'OnDemandApproval',
  tableName: 'on_demand_approvals',
  properties: {
    /** The name said yes to (`a1.customer.com`). */
    host: p.string().length(253).primary(),
    /** The wildcard mapping that serves it (`*.customer.com`). */
    wildcard: p.string().length(253),
    /** Its registered domain by the Public Suffix List (`customer.com`), the unit of CAs' rate limits. */
    registeredDomain: p.string().length(253),
    approvedAt: p.datetime(),
  },
  indexes: [{ properties: ['registeredDomain', 'approvedAt'] }, { properties: ['wildcard'] }],
});
export class OnDemandApproval extends OnDemandApprovalSchema.class {}
OnDemandApprovalSchema.setClass(OnDemandApproval);
