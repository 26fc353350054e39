import { Migration } from '@mikro-orm/migrations';

export class Migration20261122042426 extends Migration {

  override name = 'Migration20261122042426';

  override up(): void | Promise<void> {
    this.addSql(`create table "organizations" ("id" uuid not null, "created_at" timestamptz not null, "name" varchar(120) not null, "slug" varchar(64) not null, primary key ("id"));`);
    this.addSql(`alter table "organizations" add constraint "organizations_slug_unique" unique ("slug");`);

    this.addSql(`create table "projects" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "name" varchar(120) not null, "slug" varchar(64) not null, primary key ("id"));`);
    this.addSql(`alter table "projects" add constraint "projects_organization_id_slug_unique" unique ("organization_id", "slug");`);

    this.addSql(`create table "domains" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid null, "hostname" varchar(253) not null, "status" text not null, "method" varchar(64) not null, "token" varchar(64) not null, "status_message" text null, "verified_at" timestamptz null, "last_checked_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "domains" add constraint "domains_hostname_unique" unique ("hostname");`);
    this.addSql(`create index "domains_organization_id_created_at_index" on "domains" ("organization_id", "created_at");`);

    this.addSql(`create table "domain_events" ("id" uuid not null, "created_at" timestamptz not null, "domain_id" uuid not null, "from_status" text null, "to_status" text not null, "reason" varchar(64) not null, "message" text not null, "details" jsonb null, primary key ("id"));`);
    this.addSql(`create index "domain_events_domain_id_created_at_index" on "domain_events" ("domain_id", "created_at");`);

    this.addSql(`create table "users" ("id" uuid not null, "created_at" timestamptz not null, "email" varchar(254) not null, "name" varchar(120) not null, "password_hash" varchar(255) not null, primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "sessions" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "csrf_token" varchar(64) not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "memberships" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "organization_id" uuid not null, "project_id" uuid null, "role" text not null, primary key ("id"));`);
    this.addSql(`alter table "memberships" add constraint "memberships_user_id_organization_id_project_id_unique" unique ("user_id", "organization_id", "project_id");`);

    this.addSql(`create table "api_keys" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "project_id" uuid null, "created_by_id" uuid null, "name" varchar(120) not null, "prefix" varchar(32) not null, "secret_hash" varchar(64) not null, "scopes" text[] not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_prefix_unique" unique ("prefix");`);

    this.addSql(`alter table "projects" add constraint "projects_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);

    this.addSql(`alter table "domains" add constraint "domains_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "domains" add constraint "domains_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete set null;`);
    this.addSql(`alter table "domains" add constraint "domains_status_check" check ("status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'disabled', 'archived'));`);

    this.addSql(`alter table "domain_events" add constraint "domain_events_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on delete cascade;`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_from_status_check" check ("from_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'disabled', 'archived'));`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_to_status_check" check ("to_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'disabled', 'archived'));`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_role_check" check ("role" in ('owner', 'admin', 'project_admin', 'project_member'));`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "projects" drop constraint "projects_organization_id_foreign";`);
    this.addSql(`alter table "domains" drop constraint "domains_organization_id_foreign";`);
    this.addSql(`alter table "memberships" drop constraint "memberships_organization_id_foreign";`);
    this.addSql(`alter table "api_keys" drop constraint "api_keys_organization_id_foreign";`);
    this.addSql(`alter table "domains" drop constraint "domains_project_id_foreign";`);
    this.addSql(`alter table "memberships" drop constraint "memberships_project_id_foreign";`);
    this.addSql(`alter table "api_keys" drop constraint "api_keys_project_id_foreign";`);
    this.addSql(`alter table "domain_events" drop constraint "domain_events_domain_id_foreign";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_user_id_foreign";`);
    this.addSql(`alter table "memberships" drop constraint "memberships_user_id_foreign";`);
    this.addSql(`alter table "api_keys" drop constraint "api_keys_created_by_id_foreign";`);

    this.addSql(`drop table if exists "organizations" cascade;`);
    this.addSql(`drop table if exists "projects" cascade;`);
    this.addSql(`drop table if exists "domains" cascade;`);
    this.addSql(`drop table if exists "domain_events" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "sessions" cascade;`);
    this.addSql(`drop table if exists "memberships" cascade;`);
    this.addSql(`drop table if exists "api_keys" cascade;`);
  }

}
