import { Migration } from '@mikro-orm/migrations';

export class Migration20261201200429 extends Migration {

  override name = 'Migration20261201200429';

  override up(): void | Promise<void> {
    this.addSql(`create table "dns_credentials" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid not null, "provider" varchar(64) not null, "label" varchar(120) not null, "sealed" text not null, "zones" text[] null, "verified_at" timestamptz not null, "last_used_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "dns_credentials_project_id_provider_index" on "dns_credentials" ("project_id", "provider");`);

    this.addSql(`alter table "domains" add "setup_mode" text not null default 'manual', add "dns_provider" varchar(64) null, add "dns_credential_id" uuid null, add "dns_zone" varchar(253) null, add "propagation_started_at" timestamptz null, add "setup_redirect_url" text null;`);
    this.addSql(`alter table "domains" add constraint "domains_dns_credential_id_foreign" foreign key ("dns_credential_id") references "dns_credentials" ("id") on delete set null;`);
    this.addSql(`alter table "domains" add constraint "domains_setup_mode_check" check ("setup_mode" in ('manual', 'api', 'domain-connect'));`);

    this.addSql(`alter table "dns_credentials" add constraint "dns_credentials_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "dns_credentials" add constraint "dns_credentials_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "domains" drop constraint "domains_dns_credential_id_foreign";`);

    this.addSql(`drop table if exists "dns_credentials" cascade;`);

    this.addSql(`alter table "domains" drop constraint "domains_setup_mode_check";`);
    this.addSql(`alter table "domains" drop column "setup_mode", drop column "dns_provider", drop column "dns_credential_id", drop column "dns_zone", drop column "propagation_started_at", drop column "setup_redirect_url";`);
  }

}
