import { Migration } from '@mikro-orm/migrations';

export class Migration20261122045553 extends Migration {

  override name = 'Migration20261122045553';

  override up(): void | Promise<void> {
    this.addSql(`create table "organization_settings" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "max_domains" int not null default 50, "verification_rate_limit_per_minute" int not null default 1, "max_mappings_per_project" int not null default 100, "max_concurrent_verifications" int not null default 5, "max_auto_retries" int not null default 10, "auto_retry_interval_hours" int not null default 6, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "organization_settings" add constraint "organization_settings_organization_id_unique" unique ("organization_id");`);

    this.addSql(`create table "organization_settings_changes" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "changed_by_id" uuid null, "setting" varchar(64) not null, "old_value" int not null, "new_value" int not null, primary key ("id"));`);
    this.addSql(`create index "organization_settings_changes_organization_id_created_at_index" on "organization_settings_changes" ("organization_id", "created_at");`);

    this.addSql(`alter table "organization_settings" add constraint "organization_settings_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_settings" add constraint "organization_settings_limits_positive" check (max_domains > 0 and verification_rate_limit_per_minute > 0 and max_mappings_per_project > 0 and max_concurrent_verifications > 0 and max_auto_retries > 0 and auto_retry_interval_hours > 0);`);

    this.addSql(`alter table "organization_settings_changes" add constraint "organization_settings_changes_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_settings_changes" add constraint "organization_settings_changes_changed_by_id_foreign" foreign key ("changed_by_id") references "users" ("id") on delete set null;`);

    // Every existing organization gets its settings row with the defaults (new ones get it at creation).
    this.addSql(`insert into "organization_settings" ("id", "created_at", "updated_at", "organization_id") select gen_random_uuid(), now(), now(), "id" from "organizations";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "organization_settings" cascade;`);
    this.addSql(`drop table if exists "organization_settings_changes" cascade;`);
  }

}
