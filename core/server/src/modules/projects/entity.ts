import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';

/** A project: one SaaS application of an organization ("application" in the public API). */
export const ProjectSchema = defineEntity({
  name: 'Project',
  tableName: 'projects',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    name: p.string().length(120),
    slug: p.string().length(64),
  },
  uniques: [{ properties: ['organization', 'slug'] }],
});
export class Project extends ProjectSchema.class {}
ProjectSchema.setClass(Project);
