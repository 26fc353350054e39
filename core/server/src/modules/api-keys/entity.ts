import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { User } from '../users/entity.ts';

/**
 * An API key. The secret is shown once at creation; only its SHA-256 is stored (the secret carries 256 bits of
 * randomness, so a slow hash adds nothing but latency on every request). `prefix` is the visible part.
 */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** When set, the key only reaches this project's resources. */
    project: () => p.manyToOne(Project).nullable().deleteRule('cascade'),
    createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
    name: p.string().length(120),
    prefix: p.string().length(32).unique(),
    secretHash: p.string().length(64).hidden(),
    scopes: p.array(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);
