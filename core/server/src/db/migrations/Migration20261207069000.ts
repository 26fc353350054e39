import { Migration } from '@mikro-orm/migrations';

/**
 * Substring search over hostnames (`?q=` of the domain list) through a trigram index, so it does not read every
 * domain of an organization. pg_trgm ships with PostgreSQL and is a trusted extension; where a managed database
 * does not offer it, the index is left out and search still works, by scanning.
 */
export class Migration20261207069000 extends Migration {

  override name = 'Migration20261207069000';

  override up(): void | Promise<void> {
    this.addSql(`do $$ begin
  create extension if not exists pg_trgm;
exception when others then
  raise notice 'pg_trgm is not available (%): hostname search scans instead of using an index', sqlerrm;
end $$;`);
    this.addSql(`do $$ begin
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    create index if not exists "domains_hostname_trgm_index" on "domains" using gin ("hostname" gin_trgm_ops);
  end if;
end $$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "domains_hostname_trgm_index";`);
  }

}
