import type { EntityManager } from '@mikro-orm/postgresql';
import { Certificate } from '../certificates/entity.ts';
import { publishEvent } from './publish.ts';

/** Publish the outcome of a certificate order in the transaction that records it (read back inside that transaction). */
export async function publishCertificateOutcome(em: EntityManager, certificateId: string, outcome: string, patch: Partial<Certificate>): Promise<void> {
  if (outcome !== 'issued' && outcome !== 'failed') return;
  const row = await em.findOne(Certificate, { id: certificateId }, { populate: ['domain'] });
  if (!row) return;
  const base = { organizationId: row.domain.organization.id, customerRef: row.domain.customerRef ?? null, subject: { kind: 'certificate', id: row.id } };
  if (outcome === 'issued') {
    publishEvent(em, { ...base, type: 'certificate.issued', data: { hostname: row.hostname, domainId: row.domain.id, notAfter: patch.notAfter?.toISOString() ?? null, issuer: patch.issuer ?? null } });
  } else {
    publishEvent(em, {
      ...base,
      type: 'certificate.failed',
      data: { hostname: row.hostname, domainId: row.domain.id, error: patch.lastError ?? patch.reason ?? 'unknown', nextAttemptAt: patch.nextAttemptAt?.toISOString() ?? null },
    });
  }
}

/** Publish `certificate.expiring` for certificates that just moved to `expiring`, in the transaction that moved them. */
export async function publishCertificatesExpiring(em: EntityManager, certificateIds: string[], now: Date): Promise<void> {
  if (certificateIds.length === 0) return;
  const rows = await em.find(Certificate, { id: { $in: certificateIds } }, { populate: ['domain'] });
  for (const row of rows) {
    if (!row.notAfter) continue;
    publishEvent(em, {
      type: 'certificate.expiring',
      organizationId: row.domain.organization.id,
      customerRef: row.domain.customerRef ?? null,
      subject: { kind: 'certificate', id: row.id },
      data: { hostname: row.hostname, domainId: row.domain.id, notAfter: row.notAfter.toISOString(), daysLeft: Math.max(0, Math.floor((row.notAfter.getTime() - now.getTime()) / 86_400_000)) },
    });
  }
}
