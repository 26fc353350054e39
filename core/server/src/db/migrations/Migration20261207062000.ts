import { Migration } from '@mikro-orm/migrations';

export class Migration20261207062000 extends Migration {

  override name = 'Migration20261207062000';

  override up(): void | Promise<void> {
    this.addSql(`create table "invitations" ("id" uuid not null, "created_at" timestamptz not null, "organization_id" uuid not null, "email" varchar(254) not null, "role" text not null, "project_ids" text[] not null default '{}', "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "invited_by_id" uuid null, "accepted_at" timestamptz null, "accepted_by_id" uuid null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "invitations" add constraint "invitations_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "invitations_organization_id_email_index" on "invitations" ("organization_id", "email");`);

    this.addSql(`alter table "organizations" add "deleted_at" timestamptz null;`);

    this.addSql(`alter table "users" add "operator" boolean not null default false;`);

    this.addSql(`alter table "invitations" add constraint "invitations_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`);
    this.addSql(`alter table "invitations" add constraint "invitations_invited_by_id_foreign" foreign key ("invited_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "invitations" add constraint "invitations_accepted_by_id_foreign" foreign key ("accepted_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "invitations" add constraint "invitations_role_check" check ("role" in ('owner', 'admin', 'project_admin', 'project_member'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "invitations" cascade;`);

    this.addSql(`alter table "organizations" drop column "deleted_at";`);

    this.addSql(`alter table "users" drop column "operator";`);
  }

}
