import { Migration } from '@mikro-orm/migrations';

export class Migration20261207065000 extends Migration {

  override name = 'Migration20261207065000';

  override up(): void | Promise<void> {
    this.addSql(`create table "subscriptions" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "plan_id" varchar(64) not null, "pending_plan_id" varchar(64) null, "pending_redirect_url" text null, "changed_by_id" uuid null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "subscriptions" add constraint "subscriptions_organization_id_unique" unique ("organization_id");`);

    this.addSql(`create table "usage_daily" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "day" date not null, "checks" int not null default 0, "webhooks_delivered" int not null default 0, "snapshot" jsonb null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "usage_daily" add constraint "usage_daily_organization_day_unique" unique ("organization_id", "day");`);

    this.addSql(`alter table "subscriptions" add constraint "subscriptions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "subscriptions" add constraint "subscriptions_changed_by_id_foreign" foreign key ("changed_by_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "usage_daily" add constraint "usage_daily_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_daily" cascade;`);
    this.addSql(`drop table if exists "subscriptions" cascade;`);
  }

}
