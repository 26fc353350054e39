import { Migration } from '@mikro-orm/migrations';

export class Migration20261207012727 extends Migration {

  override name = 'Migration20261207012727';

  override up(): void | Promise<void> {
    this.addSql(`create table "acme_dns_challenges" ("name" varchar(253) not null, "value" varchar(255) not null, "created_at" timestamptz not null, primary key ("name", "value"));`);

    this.addSql(`create table "certificate_orders" ("id" uuid not null, "created_at" timestamptz not null, "hostname" varchar(253) not null, "registered_domain" varchar(253) not null, "outcome" text not null, "validation_failed" boolean not null default false, "renewal" boolean not null default false, "reason" varchar(40) null, primary key ("id"));`);
    this.addSql(`create index "certificate_orders_registered_domain_created_at_index" on "certificate_orders" ("registered_domain", "created_at");`);
    this.addSql(`create index "certificate_orders_hostname_created_at_index" on "certificate_orders" ("hostname", "created_at");`);

    this.addSql(`alter table "certificates" drop constraint "certificates_hostname_unique";`);
    this.addSql(`alter table "certificates" drop constraint "certificates_status_check";`);
    this.addSql(`alter table "certificates" add "reason" varchar(40) null, add "attempts" int not null default 0, add "next_attempt_at" timestamptz null, add "requested_at" timestamptz null, add "ordering_until" timestamptz null;`);
    this.addSql(`create index "certificates_hostname_index" on "certificates" ("hostname");`);
    this.addSql(`alter table "certificates" add constraint "certificates_domain_hostname_unique" unique ("domain_id", "hostname");`);
    this.addSql(`alter table "certificates" add constraint "certificates_status_check" check ("status" in ('pending', 'issuing', 'active', 'renewing', 'expiring', 'expired', 'failed', 'rate_limited'));`);

    this.addSql(`alter table "certificate_orders" add constraint "certificate_orders_outcome_check" check ("outcome" in ('issued', 'failed'));`);

    // Orders that failed before failures were retried get their retry at the next sweep.
    this.addSql(`update "certificates" set "next_attempt_at" = now() where "status" = 'failed' and "source" in ('cert.acme', 'pending');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "acme_dns_challenges" cascade;`);
    this.addSql(`drop table if exists "certificate_orders" cascade;`);

    this.addSql(`drop index "certificates_hostname_index";`);
    this.addSql(`alter table "certificates" drop constraint "certificates_domain_hostname_unique";`);
    this.addSql(`alter table "certificates" drop constraint "certificates_status_check";`);
    this.addSql(`alter table "certificates" drop column "reason", drop column "attempts", drop column "next_attempt_at", drop column "requested_at", drop column "ordering_until";`);
    this.addSql(`alter table "certificates" add constraint "certificates_hostname_unique" unique ("hostname");`);
    this.addSql(`alter table "certificates" add constraint "certificates_status_check" check ("status" in ('pending', 'issuing', 'active', 'renewing', 'expiring', 'expired', 'failed'));`);
  }

}
