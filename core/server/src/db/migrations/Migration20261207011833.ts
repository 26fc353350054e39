import { Migration } from '@mikro-orm/migrations';

export class Migration20261207011833 extends Migration {

  override name = 'Migration20261207011833';

  override up(): void | Promise<void> {
    this.addSql(`drop index "domains_active_hostname_unique";`);
    this.addSql(`alter table "domains" drop constraint "domains_status_check";`);
    this.addSql(`create unique index "domains_organization_hostname_unique" on "domains" ("organization_id", "hostname") where status <> 'archived';`);
    this.addSql(`create unique index "domains_claimed_hostname_unique" on "domains" ("hostname") where status in ('verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended');`);
    this.addSql(`alter table "domains" add constraint "domains_status_check" check ("status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'taken_over', 'disabled', 'archived'));`);

    this.addSql(`alter table "domain_events" drop constraint "domain_events_from_status_check";`);
    this.addSql(`alter table "domain_events" drop constraint "domain_events_to_status_check";`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_from_status_check" check ("from_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'taken_over', 'disabled', 'archived'));`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_to_status_check" check ("to_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'taken_over', 'disabled', 'archived'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "domain_events" drop constraint "domain_events_from_status_check";`);
    this.addSql(`alter table "domain_events" drop constraint "domain_events_to_status_check";`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_from_status_check" check ("from_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'disabled', 'archived'));`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_to_status_check" check ("to_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'disabled', 'archived'));`);

    this.addSql(`drop index "domains_organization_hostname_unique";`);
    this.addSql(`drop index "domains_claimed_hostname_unique";`);
    this.addSql(`alter table "domains" drop constraint "domains_status_check";`);
    this.addSql(`create unique index "domains_active_hostname_unique" on "domains" ("hostname") where status <> 'archived'::text;`);
    this.addSql(`alter table "domains" add constraint "domains_status_check" check ("status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'disabled', 'archived'));`);
  }

}
