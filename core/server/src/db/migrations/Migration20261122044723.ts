import { Migration } from '@mikro-orm/migrations';

export class Migration20261122044723 extends Migration {

  override name = 'Migration20261122044723';

  override up(): void | Promise<void> {
    this.addSql(`create table "project_domains" ("id" uuid not null, "created_at" timestamptz not null, "project_id" uuid not null, "domain_id" uuid not null, primary key ("id"));`);
    this.addSql(`alter table "project_domains" add constraint "project_domains_project_id_domain_id_unique" unique ("project_id", "domain_id");`);

    // Keep existing assignments: a domain's single project becomes its first project_domains row.
    this.addSql(`insert into "project_domains" ("id", "created_at", "project_id", "domain_id") select gen_random_uuid(), now(), "project_id", "id" from "domains" where "project_id" is not null;`);
    this.addSql(`alter table "domains" drop constraint "domains_project_id_foreign";`);

    this.addSql(`alter table "domains" drop constraint "domains_hostname_unique";`);
    this.addSql(`alter table "domains" drop column "project_id";`);
    this.addSql(`alter table "domains" add "last_manual_check_at" timestamptz null, add "auto_retry_count" int not null default 0, add "next_check_at" timestamptz null, add "consecutive_misses" int not null default 0, add "archived_at" timestamptz null;`);
    this.addSql(`create index "domains_next_check_at_index" on "domains" ("next_check_at");`);
    this.addSql(`create unique index "domains_active_hostname_unique" on "domains" ("hostname") where status <> 'archived';`);

    this.addSql(`alter table "project_domains" add constraint "project_domains_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
    this.addSql(`alter table "project_domains" add constraint "project_domains_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "project_domains" cascade;`);

    this.addSql(`drop index "domains_next_check_at_index";`);
    this.addSql(`drop index "domains_active_hostname_unique";`);
    this.addSql(`alter table "domains" drop column "last_manual_check_at", drop column "auto_retry_count", drop column "next_check_at", drop column "consecutive_misses", drop column "archived_at";`);
    this.addSql(`alter table "domains" add "project_id" uuid null;`);
    this.addSql(`alter table "domains" add constraint "domains_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update no action on delete set null;`);
    this.addSql(`alter table "domains" add constraint "domains_hostname_unique" unique ("hostname");`);
  }

}
