import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    ...baseColumns,
    /** Lower-cased on write; unique across the installation. */
    email: p.string().length(254).unique(),
    name: p.string().length(120),
    /** argon2id PHC string. */
    passwordHash: p.string().length(255).hidden().lazy(),
    /**
     * An instance operator: may call the operator's own routes (`/v1/operator/…`). Not an organization role: it
     * grants nothing inside an organization the user is not a member of.
     */
    operator: p.boolean().default(false),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
