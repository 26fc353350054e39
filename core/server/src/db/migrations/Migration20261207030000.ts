import { Migration } from '@mikro-orm/migrations';

export class Migration20261207030000 extends Migration {

  override name = 'Migration20261207030000';

  override up(): void | Promise<void> {
    this.addSql(`create table "login_throttle" ("key" varchar(100) not null, "attempts" int not null, "window_ends_at" timestamptz not null, primary key ("key"));`);
    this.addSql(`create index "login_throttle_window_ends_at_index" on "login_throttle" ("window_ends_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "login_throttle" cascade;`);
  }

}
