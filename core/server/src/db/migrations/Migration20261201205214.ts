import { Migration } from '@mikro-orm/migrations';

export class Migration20261201205214 extends Migration {

  override name = 'Migration20261201205214';

  override up(): void | Promise<void> {
    this.addSql(`create table "certificates" ("id" uuid not null, "created_at" timestamptz not null, "domain_id" uuid not null, "hostname" varchar(253) not null, "status" text not null default 'pending', "source" varchar(80) not null, "issuer" varchar(255) null, "not_after" timestamptz null, "last_error" text null, "last_checked_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "certificates" add constraint "certificates_hostname_unique" unique ("hostname");`);
    this.addSql(`create index "certificates_not_after_index" on "certificates" ("not_after");`);

    this.addSql(`create or replace function "domains_domains_notify_routes_fn"() returns trigger as \$\$ begin perform pg_notify('portico_routes', json_build_object('domain', new.id)::text);   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "domains_notify_routes" AFTER UPDATE on "domains" for each ROW
  when ((old.status IS DISTINCT FROM new.status)) execute function "domains_domains_notify_routes_fn"();`);

    this.addSql(`create or replace function "services_services_notify_fn"() returns trigger as \$\$ begin perform pg_notify('portico_routes', json_build_object('hosts', coalesce((select json_agg(distinct m.host) from service_domain_mappings m where m.service_id = new.id), '[]'::json))::text);   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "services_notify" AFTER UPDATE on "services" for each ROW
  when ((((old.upstream_host)::text IS DISTINCT FROM (new.upstream_host)::text) OR (old.upstream_port IS DISTINCT FROM new.upstream_port))) execute function "services_services_notify_fn"();`);

    this.addSql(`create or replace function "service_domain_mappings_service_domain_mappings_notify_fn"() returns trigger as \$\$ begin if tg_op = 'DELETE' then perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(old.host))::text);   elsif tg_op = 'UPDATE' and old.host <> new.host then perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(old.host, new.host))::text);   else perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(new.host))::text);   end if;   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "service_domain_mappings_notify" AFTER INSERT OR UPDATE OR DELETE on "service_domain_mappings" for each ROW execute function "service_domain_mappings_service_domain_mappings_notify_fn"();`);

    this.addSql(`alter table "certificates" add constraint "certificates_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on delete cascade;`);
    this.addSql(`alter table "certificates" add constraint "certificates_status_check" check ("status" in ('pending', 'issuing', 'active', 'renewing', 'expiring', 'expired', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "certificates" cascade;`);

    this.addSql(`drop trigger if exists "domains_notify_routes" on "domains";`);
    this.addSql(`drop function if exists "domains_domains_notify_routes_fn"();`);

    this.addSql(`drop trigger if exists "service_domain_mappings_notify" on "service_domain_mappings";`);
    this.addSql(`drop function if exists "service_domain_mappings_service_domain_mappings_notify_fn"();`);

    this.addSql(`drop trigger if exists "services_notify" on "services";`);
    this.addSql(`drop function if exists "services_services_notify_fn"();`);
  }

}
