import { Migration } from '@mikro-orm/migrations';

export class Migration20261207012307 extends Migration {

  override name = 'Migration20261207012307';

  override up(): void | Promise<void> {
    this.addSql(`create table "on_demand_approvals" ("host" varchar(253) not null, "wildcard" varchar(253) not null, "registered_domain" varchar(253) not null, "approved_at" timestamptz not null, primary key ("host"));`);
    this.addSql(`create index "on_demand_approvals_registered_domain_approved_at_index" on "on_demand_approvals" ("registered_domain", "approved_at");`);
    this.addSql(`create index "on_demand_approvals_wildcard_index" on "on_demand_approvals" ("wildcard");`);

    this.addSql(`drop trigger if exists "services_notify" on "services";`);
    this.addSql(`drop function if exists "services_services_notify_fn"();`);
    this.addSql(`create or replace function "services_services_notify_fn"() returns trigger as \$\$ begin perform pg_notify('portico_routes', json_build_object('service', new.id)::text);   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "services_notify" AFTER UPDATE on "services" for each ROW
  when ((((old.upstream_host)::text IS DISTINCT FROM (new.upstream_host)::text) OR (old.upstream_port IS DISTINCT FROM new.upstream_port))) execute function "services_services_notify_fn"();`);

    this.addSql(`drop trigger if exists "service_domain_mappings_notify" on "service_domain_mappings";`);
    this.addSql(`drop function if exists "service_domain_mappings_service_domain_mappings_notify_fn"();`);
    this.addSql(`create or replace function "service_domain_mappings_service_domain_mappings_notify_fn"() returns trigger as \$\$ begin if tg_op = 'DELETE' then perform pg_notify('portico_routes', json_build_object('mapping', old.id, 'was', old.host)::text);   elsif tg_op = 'UPDATE' and old.host <> new.host then perform pg_notify('portico_routes', json_build_object('mapping', new.id, 'was', old.host)::text);   else perform pg_notify('portico_routes', json_build_object('mapping', new.id)::text);   end if;   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "service_domain_mappings_notify" AFTER INSERT OR UPDATE OR DELETE on "service_domain_mappings" for each ROW execute function "service_domain_mappings_service_domain_mappings_notify_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "on_demand_approvals" cascade;`);

    this.addSql(`drop trigger if exists "service_domain_mappings_notify" on "service_domain_mappings";`);
    this.addSql(`drop function if exists "service_domain_mappings_service_domain_mappings_notify_fn"();`);
    this.addSql(`create or replace function "service_domain_mappings_service_domain_mappings_notify_fn"() returns trigger as \$\$ begin if tg_op = 'DELETE' then perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(old.host))::text);   elsif tg_op = 'UPDATE' and old.host <> new.host then perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(old.host, new.host))::text);   else perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(new.host))::text);   end if;   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "service_domain_mappings_notify" AFTER DELETE OR INSERT OR UPDATE on "service_domain_mappings" for each ROW execute function "service_domain_mappings_service_domain_mappings_notify_fn"();`);

    this.addSql(`drop trigger if exists "services_notify" on "services";`);
    this.addSql(`drop function if exists "services_services_notify_fn"();`);
    this.addSql(`create or replace function "services_services_notify_fn"() returns trigger as \$\$ begin perform pg_notify('portico_routes', json_build_object('hosts', coalesce((select json_agg(distinct m.host) from service_domain_mappings m where m.service_id = new.id), '[]'::json))::text);   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "services_notify" AFTER UPDATE on "services" for each ROW
  when ((((old.upstream_host)::text IS DISTINCT FROM (new.upstream_host)::text) OR (old.upstream_port IS DISTINCT FROM new.upstream_port))) execute function "services_services_notify_fn"();`);
  }

}
