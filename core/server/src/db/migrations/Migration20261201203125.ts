import { Migration } from '@mikro-orm/migrations';

/**
 * Route-change notifications from the database itself: every insert, update or delete of a mapping (cascaded
 * deletes included) and every status change of a domain NOTIFYs `portico_routes`, so each process's route table
 * hears of every change whoever made it. Payloads: `{"hosts":[…]}` or `{"domain":"<id>"}`. (Hand-written: the
 * CLI's blank migration, since schema diffs do not cover triggers.)
 */
export class Migration20261201203125 extends Migration {
  override name = 'Migration20261201203125';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function portico_notify_mapping() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(old.host))::text);
  elsif tg_op = 'UPDATE' and old.host <> new.host then
    perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(old.host, new.host))::text);
  else
    perform pg_notify('portico_routes', json_build_object('hosts', json_build_array(new.host))::text);
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger service_domain_mappings_notify after insert or update or delete on "service_domain_mappings"
  for each row execute function portico_notify_mapping();`);
    this.addSql(`create or replace function portico_notify_upstream() returns trigger language plpgsql as $$
begin
  perform pg_notify('portico_routes', json_build_object('hosts', coalesce((select json_agg(distinct m.host) from service_domain_mappings m where m.service_id = new.id), '[]'::json))::text);
  return null;
end $$;`);
    this.addSql(`create trigger services_notify after update of "upstream_host", "upstream_port" on "services"
  for each row execute function portico_notify_upstream();`);
    this.addSql(`create or replace function portico_notify_domain() returns trigger language plpgsql as $$
begin
  perform pg_notify('portico_routes', json_build_object('domain', new.id)::text);
  return null;
end $$;`);
    this.addSql(`create trigger domains_notify_routes after update of "status" on "domains"
  for each row when (old.status is distinct from new.status) execute function portico_notify_domain();`);
  }

  override down(): void | Promise<void> {
    this.addSql('drop trigger if exists domains_notify_routes on "domains";');
    this.addSql('drop trigger if exists services_notify on "services";');
    this.addSql('drop trigger if exists service_domain_mappings_notify on "service_domain_mappings";');
    this.addSql('drop function if exists portico_notify_domain();');
    this.addSql('drop function if exists portico_notify_upstream();');
    this.addSql('drop function if exists portico_notify_mapping();');
  }
}
