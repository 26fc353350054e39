import { Migration } from '@mikro-orm/migrations';

export class Migration20261207012438 extends Migration {

  override name = 'Migration20261207012438';

  override up(): void | Promise<void> {
    this.addSql(`alter table "domains" drop constraint "domains_status_check";`);
    this.addSql(`alter table "domains" add "check_error_count" int not null default 0, add "status_changed_at" timestamptz not null default current_timestamp;`);
    // Existing domains: their last update is the best known time of their last status change.
    this.addSql(`update "domains" set "status_changed_at" = "updated_at";`);
    this.addSql(`create index "domains_status_status_changed_at_index" on "domains" ("status", "status_changed_at");`);
    this.addSql(`alter table "domains" add constraint "domains_status_check" check ("status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended', 'taken_over', 'disabled', 'archived'));`);
    // A suspended domain still holds its hostname (it comes back when the record does).
    this.addSql(`drop index if exists "domains_claimed_hostname_unique";`);
    this.addSql(`create unique index "domains_claimed_hostname_unique" on "domains" ("hostname") where status in ('verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended');`);

    this.addSql(`alter table "domain_events" drop constraint "domain_events_from_status_check";`);
    this.addSql(`alter table "domain_events" drop constraint "domain_events_to_status_check";`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_from_status_check" check ("from_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended', 'taken_over', 'disabled', 'archived'));`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_to_status_check" check ("to_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended', 'taken_over', 'disabled', 'archived'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "domain_events" drop constraint "domain_events_from_status_check";`);
    this.addSql(`alter table "domain_events" drop constraint "domain_events_to_status_check";`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_from_status_check" check ("from_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'taken_over', 'disabled', 'archived'));`);
    this.addSql(`alter table "domain_events" add constraint "domain_events_to_status_check" check ("to_status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'taken_over', 'disabled', 'archived'));`);

    this.addSql(`drop index if exists "domains_claimed_hostname_unique";`);
    this.addSql(`create unique index "domains_claimed_hostname_unique" on "domains" ("hostname") where status in ('verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted');`);
    this.addSql(`drop index "domains_status_status_changed_at_index";`);
    this.addSql(`alter table "domains" drop constraint "domains_status_check";`);
    this.addSql(`alter table "domains" drop column "check_error_count", drop column "status_changed_at";`);
    this.addSql(`alter table "domains" add constraint "domains_status_check" check ("status" in ('pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'taken_over', 'disabled', 'archived'));`);
  }

}
