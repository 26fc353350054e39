import { Migration } from '@mikro-orm/migrations';

export class Migration20261207067000 extends Migration {

  override name = 'Migration20261207067000';

  override up(): void | Promise<void> {
    this.addSql(`create table "notifications" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "organization_id" uuid not null, "event_id" uuid not null, "type" varchar(64) not null, "severity" varchar(16) not null, "title" varchar(300) not null, "body" text not null, "link" varchar(500) null, "read_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "notifications_user_id_index" on "notifications" ("user_id", "id");`);
    this.addSql(`alter table "notifications" add constraint "notifications_user_event_unique" unique ("user_id", "event_id");`);

    this.addSql(`create table "notification_preferences" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "channel" varchar(16) not null, "topic" varchar(64) not null, "enabled" boolean not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "notification_preferences" add constraint "notification_preferences_user_channel_topic_unique" unique ("user_id", "channel", "topic");`);

    this.addSql(`create table "notification_digests" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "day" date not null, "items" int not null, primary key ("id"));`);
    this.addSql(`alter table "notification_digests" add constraint "notification_digests_user_day_unique" unique ("user_id", "day");`);

    this.addSql(`alter table "notifications" add constraint "notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "notifications" add constraint "notifications_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "notification_preferences" add constraint "notification_preferences_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "notification_digests" add constraint "notification_digests_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notification_digests" cascade;`);
    this.addSql(`drop table if exists "notification_preferences" cascade;`);
    this.addSql(`drop table if exists "notifications" cascade;`);
  }

}
