import { Migration } from '@mikro-orm/migrations';

export class Migration20261207064000 extends Migration {

  override name = 'Migration20261207064000';

  override up(): void | Promise<void> {
    this.addSql(`create table "oidc_login_attempts" ("id" uuid not null, "created_at" timestamptz not null, "state_hash" varchar(64) not null, "binding_hash" varchar(64) not null, "provider_key" varchar(64) not null, "nonce" varchar(128) not null, "code_verifier" varchar(128) not null, "redirect_to" varchar(2048) not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "oidc_login_attempts" add constraint "oidc_login_attempts_state_hash_unique" unique ("state_hash");`);
    this.addSql(`create index "oidc_login_attempts_expires_at_index" on "oidc_login_attempts" ("expires_at");`);

    this.addSql(`create table "organization_oidc_providers" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "display_name" varchar(80) not null, "issuer" varchar(255) not null, "client_id" varchar(255) not null, "sealed_client_secret" text null, "scopes" text[] not null, "allowed_email_domains" text[] null, "enabled" boolean not null default true, "enforce" boolean not null default false, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "organization_oidc_providers" add constraint "organization_oidc_providers_organization_id_unique" unique ("organization_id");`);

    this.addSql(`create table "oidc_identities" ("id" uuid not null, "created_at" timestamptz not null, "user_id" uuid not null, "issuer" varchar(255) not null, "subject" varchar(255) not null, "email" varchar(254) null, "last_sign_in_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "oidc_identities_user_id_index" on "oidc_identities" ("user_id");`);
    this.addSql(`alter table "oidc_identities" add constraint "oidc_identities_issuer_subject_unique" unique ("issuer", "subject");`);

    this.addSql(`alter table "organization_oidc_providers" add constraint "organization_oidc_providers_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);

    this.addSql(`alter table "oidc_identities" add constraint "oidc_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "oidc_identities" cascade;`);
    this.addSql(`drop table if exists "organization_oidc_providers" cascade;`);
    this.addSql(`drop table if exists "oidc_login_attempts" cascade;`);
  }

}
