import { Migration } from '@mikro-orm/migrations';

export class Migration20261201202814 extends Migration {

  override name = 'Migration20261201202814';

  override up(): void | Promise<void> {
    this.addSql(`create table "services" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid not null, "name" varchar(63) not null, "upstream_host" varchar(253) not null, "upstream_port" int not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "services" add constraint "services_project_id_name_unique" unique ("project_id", "name");`);

    this.addSql(`create table "service_domain_mappings" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid not null, "service_id" uuid not null, "project_domain_id" uuid not null, "domain_id" uuid not null, "subdomain" varchar(190) null, "host" varchar(253) not null, "base_path" varchar(255) not null default '/', "internal_path" varchar(255) not null default '/', "internal_port" int not null, "strip_path" boolean not null default true, "protocol" text not null default 'https', "redirect_status" int not null default 308, "tls_source" text not null default 'acme', "primary" boolean not null default false, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "service_domain_mappings_service_id_index" on "service_domain_mappings" ("service_id");`);
    this.addSql(`create index "service_domain_mappings_domain_id_index" on "service_domain_mappings" ("domain_id");`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_host_base_path_unique" unique ("host", "base_path");`);

    this.addSql(`alter table "services" add constraint "services_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "services" add constraint "services_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);

    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_service_id_foreign" foreign key ("service_id") references "services" ("id") on delete cascade;`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_project_domain_id_foreign" foreign key ("project_domain_id") references "project_domains" ("id") on delete cascade;`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on delete cascade;`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_protocol_check" check ("protocol" in ('https', 'http', 'both', 'redirect-to-https'));`);
    this.addSql(`alter table "service_domain_mappings" add constraint "service_domain_mappings_tls_source_check" check ("tls_source" in ('acme', 'uploaded', 'none'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "service_domain_mappings" drop constraint "service_domain_mappings_service_id_foreign";`);

    this.addSql(`drop table if exists "services" cascade;`);
    this.addSql(`drop table if exists "service_domain_mappings" cascade;`);
  }

}
