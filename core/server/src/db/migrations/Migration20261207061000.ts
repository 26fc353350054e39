import { Migration } from '@mikro-orm/migrations';

export class Migration20261207061000 extends Migration {

  override name = 'Migration20261207061000';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_endpoints" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid null, "url" varchar(2048) not null, "description" varchar(500) not null default '', "event_types" text[] not null, "enabled" boolean not null default true, "secret_sealed" text not null, "previous_secret_sealed" text null, "previous_secret_expires_at" timestamptz null, "failing_since" timestamptz null, "consecutive_failures" int not null default 0, "disabled_reason" varchar(64) null, "disabled_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_endpoints_organization_id_created_at_index" on "webhook_endpoints" ("organization_id", "created_at");`);

    this.addSql(`create table "webhook_deliveries" ("id" uuid not null, "created_at" timestamptz not null, "endpoint_id" uuid not null, "organization_id" uuid not null, "event_id" uuid not null, "event_type" varchar(120) not null, "occurred_at" timestamptz not null, "payload" jsonb not null, "status" text not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "claimed_until" timestamptz null, "last_attempt_at" timestamptz null, "last_status_code" int null, "last_error" text null, "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "webhook_deliveries_organization_id_created_at_index" on "webhook_deliveries" ("organization_id", "created_at");`);
    this.addSql(`create index "webhook_deliveries_status_next_attempt_at_index" on "webhook_deliveries" ("status", "next_attempt_at");`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_event_unique" unique ("endpoint_id", "event_id");`);

    this.addSql(`create table "webhook_attempts" ("id" uuid not null, "created_at" timestamptz not null, "delivery_id" uuid not null, "attempt" int not null, "succeeded" boolean not null, "status_code" int null, "latency_ms" int not null, "response_body" text null, "error" text null, primary key ("id"));`);
    this.addSql(`create index "webhook_attempts_delivery_id_attempt_index" on "webhook_attempts" ("delivery_id", "attempt");`);

    this.addSql(`alter table "webhook_endpoints" add constraint "webhook_endpoints_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_endpoints" add constraint "webhook_endpoints_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoints" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_status_check" check ("status" in ('pending', 'delivered', 'failed'));`);

    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_delivery_id_foreign" foreign key ("delivery_id") references "webhook_deliveries" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_attempts" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoints" cascade;`);
  }

}
