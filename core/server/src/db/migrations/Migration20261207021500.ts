import { Migration } from '@mikro-orm/migrations';

export class Migration20261207021500 extends Migration {

  override name = 'Migration20261207021500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "edge_statuses" add column "skipped" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "edge_statuses" drop column "skipped";`);
  }

}
