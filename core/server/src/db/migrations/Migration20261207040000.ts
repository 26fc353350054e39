import { Migration } from '@mikro-orm/migrations';

export class Migration20261207040000 extends Migration {

  override name = 'Migration20261207040000';

  override up(): void | Promise<void> {
    this.addSql(`create table "project_widget_settings" ("id" uuid not null, "created_at" timestamptz not null, "project_id" uuid not null, "allowed_origins" text[] not null default '{}', "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "project_widget_settings" add constraint "project_widget_settings_project_id_unique" unique ("project_id");`);
    this.addSql(`create index "project_widget_settings_allowed_origins_index" on "project_widget_settings" using gin ("allowed_origins");`);

    this.addSql(`create table "widget_tokens" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid not null, "token_hash" varchar(64) not null, "hostname" varchar(253) null, "include_subdomains" boolean not null default false, "customer_ref" varchar(200) null, "expires_at" timestamptz not null, "api_key_id" uuid null, "created_by_id" uuid null, primary key ("id"));`);
    this.addSql(`alter table "widget_tokens" add constraint "widget_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "widget_tokens_expires_at_index" on "widget_tokens" ("expires_at");`);

    this.addSql(`alter table "domains" add "customer_ref" varchar(200) null;`);

    this.addSql(`alter table "project_widget_settings" add constraint "project_widget_settings_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);

    this.addSql(`alter table "widget_tokens" add constraint "widget_tokens_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "widget_tokens" add constraint "widget_tokens_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
    this.addSql(`alter table "widget_tokens" add constraint "widget_tokens_api_key_id_foreign" foreign key ("api_key_id") references "api_keys" ("id") on delete set null;`);
    this.addSql(`alter table "widget_tokens" add constraint "widget_tokens_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "project_widget_settings" cascade;`);
    this.addSql(`drop table if exists "widget_tokens" cascade;`);

    this.addSql(`alter table "domains" drop column "customer_ref";`);
  }

}
