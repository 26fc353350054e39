import { Migration } from '@mikro-orm/migrations';

export class Migration20261207068000 extends Migration {

  override name = 'Migration20261207068000';

  override up(): void | Promise<void> {
    this.addSql(`create table "usage_alerts" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "resource" varchar(32) not null, "scope_id" uuid not null, "level" int not null default 0, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "usage_alerts" add constraint "usage_alerts_organization_resource_scope_unique" unique ("organization_id", "resource", "scope_id");`);

    this.addSql(`alter table "usage_alerts" add constraint "usage_alerts_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_alerts" cascade;`);
  }

}
