import { Migration } from '@mikro-orm/migrations';

export class Migration20261201223038 extends Migration {

  override name = 'Migration20261201223038';

  override up(): void | Promise<void> {
    this.addSql(`create table "edge_statuses" ("edge_id" varchar(63) not null, "edge" varchar(80) not null, "ok" boolean not null, "last_attempt_at" timestamptz not null, "last_sync_at" timestamptz null, "last_error" text null, "consecutive_failures" int not null default 0, "routes" int not null default 0, "duration_ms" int null, "detail" text null, primary key ("edge_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "edge_statuses" cascade;`);
  }

}
