import { Migration } from '@mikro-orm/migrations';

/**
 * The route tables reload a domain's hosts only when its status change can change them: the domain enters or
 * leaves ROUTABLE (its routes open or close) or CLAIM_HELD (its claim holds the hostname, which carves it out of
 * another organization's wildcard). Other moves (pending → verifying, verified → deploying…) no longer NOTIFY.
 */
export class Migration20261207210000 extends Migration {

  override name = 'Migration20261207210000';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "domains_notify_routes" on "domains";`);
    this.addSql(`create trigger "domains_notify_routes" AFTER UPDATE on "domains" for each ROW
  when ((((old.status = ANY (ARRAY['verified'::text, 'issuing'::text, 'cert_failed'::text, 'deploying'::text, 'live'::text, 'drifted'::text])) <> (new.status = ANY (ARRAY['verified'::text, 'issuing'::text, 'cert_failed'::text, 'deploying'::text, 'live'::text, 'drifted'::text]))) OR ((old.status = ANY (ARRAY['verified'::text, 'issuing'::text, 'cert_failed'::text, 'deploying'::text, 'live'::text, 'drifted'::text, 'suspended'::text])) <> (new.status = ANY (ARRAY['verified'::text, 'issuing'::text, 'cert_failed'::text, 'deploying'::text, 'live'::text, 'drifted'::text, 'suspended'::text]))))) execute function "domains_domains_notify_routes_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "domains_notify_routes" on "domains";`);
    this.addSql(`create trigger "domains_notify_routes" AFTER UPDATE on "domains" for each ROW
  when ((old.status IS DISTINCT FROM new.status)) execute function "domains_domains_notify_routes_fn"();`);
  }

}
