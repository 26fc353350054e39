import { Migration } from '@mikro-orm/migrations';

export class Migration20261201210348 extends Migration {

  override name = 'Migration20261201210348';

  override up(): void | Promise<void> {
    this.addSql(`create table "acme_challenges" ("token" varchar(255) not null, "hostname" varchar(253) not null, "key_authorization" text not null, "created_at" timestamptz not null, primary key ("token"));`);

    this.addSql(`alter table "certificates" add "certificate_pem" text null, add "private_key_sealed" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "acme_challenges" cascade;`);

    this.addSql(`alter table "certificates" drop column "certificate_pem", drop column "private_key_sealed";`);
  }

}
