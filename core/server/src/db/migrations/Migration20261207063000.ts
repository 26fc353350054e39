import { Migration } from '@mikro-orm/migrations';

export class Migration20261207063000 extends Migration {

  override name = 'Migration20261207063000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sessions" add "last_seen_at" timestamptz null, add "ip" varchar(100) null, add "user_agent" varchar(500) null;`);

    this.addSql(`create table "password_resets" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "password_resets" add constraint "password_resets_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "password_resets_user_id_index" on "password_resets" ("user_id");`);
    this.addSql(`alter table "password_resets" add constraint "password_resets_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`create table "user_totp" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "secret_sealed" text not null, "enabled_at" timestamptz null, "last_used_step" int null, primary key ("id"));`);
    this.addSql(`alter table "user_totp" add constraint "user_totp_user_id_unique" unique ("user_id");`);
    this.addSql(`alter table "user_totp" add constraint "user_totp_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`create table "totp_recovery_codes" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "code_hash" varchar(64) not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "totp_recovery_codes_user_id_index" on "totp_recovery_codes" ("user_id");`);
    this.addSql(`alter table "totp_recovery_codes" add constraint "totp_recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "totp_recovery_codes" cascade;`);
    this.addSql(`drop table if exists "user_totp" cascade;`);
    this.addSql(`drop table if exists "password_resets" cascade;`);
    this.addSql(`alter table "sessions" drop column "last_seen_at", drop column "ip", drop column "user_agent";`);
  }

}
