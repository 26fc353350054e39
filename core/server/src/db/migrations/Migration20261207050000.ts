import { Migration } from '@mikro-orm/migrations';

export class Migration20261207050000 extends Migration {

  override name = 'Migration20261207050000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "dns_credentials" add "customer_ref" varchar(200) null;`);

    this.addSql(`alter table "domains" add "added_by_widget" boolean not null default false;`);

    this.addSql(`alter table "project_widget_settings" add "default_service_id" uuid null;`);
    this.addSql(`alter table "project_widget_settings" add constraint "project_widget_settings_default_service_id_foreign" foreign key ("default_service_id") references "services" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "project_widget_settings" drop constraint "project_widget_settings_default_service_id_foreign";`);

    this.addSql(`alter table "dns_credentials" drop column "customer_ref";`);

    this.addSql(`alter table "domains" drop column "added_by_widget";`);

    this.addSql(`alter table "project_widget_settings" drop column "default_service_id";`);
  }

}
