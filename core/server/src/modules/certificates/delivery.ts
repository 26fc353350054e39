/**
 * The certificates Portico issued (`cert.acme`) that edges must serve: every unexpired one whose hostname a mapping
 * of the same domain routes, while that domain holds its hostname. A certificate belongs to one organization's claim
 * (its domain row), so it never reaches a host another organization routes. Keys are unsealed in memory for the
 * render only; callers never log them, and previews redact them.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { SuppliedCertificate } from '@portico/kernel';
import type { Logger } from 'pino';
import type { SecretBox } from '../credentials/crypto.ts';
import { SERVING_STATUSES } from './status.ts';

/** Which certificates are delivered: unexpired cert.acme ones a mapping of their own domain routes, domain serving. */
const DELIVERED = `from certificates c join domains d on d.id = c.domain_id
  where c.source = 'cert.acme' and c.certificate_pem is not null and c.private_key_sealed is not null and c.not_after > ?
    and d.status in (?)
    and exists (select 1 from service_domain_mappings m where m.domain_id = c.domain_id and m.host = c.hostname)`;

/**
 * A value that changes whenever the delivered set changes (a certificate issued, renewed, expired or no longer
 * routed), without unsealing anything: a cache of a rendered configuration keys on it next to the route table version.
 */
export async function suppliedStamp({ orm, now = new Date() }: { orm: MikroORM; now?: Date }): Promise<string> {
  const [row]: Array<{ stamp: string | null }> = await orm.em
    .fork()
    .getConnection()
    .execute(`select md5(coalesce(string_agg(c.id || ':' || md5(c.certificate_pem), ',' order by c.id), '')) as stamp ${DELIVERED}`, [now, [...SERVING_STATUSES]]);
  return row?.stamp ?? '';
}

interface Row {
  id: string;
  hostname: string;
  certificate_pem: string;
  private_key_sealed: string;
  not_after: Date;
}

/** A key that cannot be unsealed (its secret key is gone) skips that certificate, logged; it never fails a delivery. */
export async function suppliedCertificates({ orm, secretBox, logger, now = new Date() }: { orm: MikroORM; secretBox: SecretBox; logger: Logger; now?: Date }): Promise<SuppliedCertificate[]> {
  const rows: Row[] = await orm.em
    .fork()
    .getConnection()
    .execute(`select c.id, c.hostname, c.certificate_pem, c.private_key_sealed, c.not_after ${DELIVERED} order by c.hostname`, [now, [...SERVING_STATUSES]]);
  return rows.flatMap((row) => {
    try {
      const privateKeyPem = secretBox.open<string>(row.private_key_sealed, `certificate:${row.id}`);
      return [{ hostnames: [row.hostname], certificatePem: row.certificate_pem, privateKeyPem, notAfter: new Date(row.not_after) }];
    } catch (error) {
      logger.error({ certificateId: row.id, hostname: row.hostname, code: (error as { code?: string }).code }, 'certificate key cannot be unsealed; not delivered');
      return [];
    }
  });
}
