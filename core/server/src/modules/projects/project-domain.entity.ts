import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Domain } from '../domains/entity.ts';
import { Project } from './entity.ts';

/** A domain of the organization assigned to one of its projects (a domain may serve several projects). */
export const ProjectDomainSchema = defineEntity({
  name: 'ProjectDomain',
  tableName: 'project_domains',
  properties: {
    ...baseColumns,
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    domain: () => p.manyToOne(Domain).deleteRule('cascade'),
  },
  uniques: [{ properties: ['project', 'domain'] }],
});
export class ProjectDomain extends ProjectDomainSchema.class {}
ProjectDomainSchema.setClass(ProjectDomain);
