import { Migration } from '@mikro-orm/migrations';

export class Migration20261207060000 extends Migration {

  override name = 'Migration20261207060000';

  override up(): void | Promise<void> {
    this.addSql(`create table "events" ("id" uuid not null, "seq" bigint null, "type" varchar(64) not null, "occurred_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid null, "customer_ref" varchar(200) null, "subject_kind" varchar(32) not null, "subject_id" varchar(64) not null, "data" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "events" add constraint "events_seq_unique" unique ("seq");`);
    this.addSql(`create index "events_organization_seq_index" on "events" ("organization_id", "seq");`);
    this.addSql(`create index "events_occurred_at_index" on "events" ("occurred_at");`);
    this.addSql(`create index "events_unsequenced_index" on "events" ("id") where "seq" is null;`);
    this.addSql(`alter table "events" add constraint "events_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);

    // The committed order: numbers handed out by the sequencer only (modules/events/sequencer.ts).
    this.addSql(`create sequence "events_seq";`);
    // Wake every process's live feed when events commit (NOTIFY is delivered on commit, never for a rollback).
    this.addSql(`create or replace function "events_events_notify_fn"() returns trigger as \$\$ begin perform pg_notify('portico_events', ''); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "events_notify" AFTER INSERT on "events" for each STATEMENT execute function "events_events_notify_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "events_notify" on "events";`);
    this.addSql(`drop function if exists "events_events_notify_fn"();`);
    this.addSql(`drop sequence if exists "events_seq";`);
    this.addSql(`drop table if exists "events" cascade;`);
  }

}
