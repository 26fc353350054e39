import { Migration } from '@mikro-orm/migrations';

export class Migration20261207066000 extends Migration {

  override name = 'Migration20261207066000';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_log" ("id" uuid not null, "occurred_at" timestamptz not null, "organization_id" uuid null, "actor_kind" text not null, "actor_id" varchar(64) null, "actor_label" varchar(254) null, "ip" varchar(64) null, "user_agent" varchar(500) null, "action" varchar(100) not null, "target_kind" varchar(64) not null, "target_id" varchar(255) null, "before" jsonb null, "after" jsonb null, "request_id" varchar(100) null, "outcome" text not null, "reason" varchar(64) null, primary key ("id"));`);
    this.addSql(`create index "audit_log_organization_id_occurred_at_id_index" on "audit_log" ("organization_id", "occurred_at", "id");`);
    this.addSql(`create index "audit_log_occurred_at_index" on "audit_log" ("occurred_at");`);
    this.addSql(`create index "audit_log_target_kind_target_id_index" on "audit_log" ("target_kind", "target_id");`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_actor_kind_check" check ("actor_kind" in ('user', 'api_key', 'widget', 'operator', 'system', 'anonymous'));`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_outcome_check" check ("outcome" in ('success', 'denied'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_log" cascade;`);
  }

}
