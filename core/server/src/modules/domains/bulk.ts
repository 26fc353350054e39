import { KernelError } from '@portico/kernel';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import type { AccessService } from '../organizations/access.ts';
import type { DomainStatus } from './lifecycle.ts';
import type { DomainService } from './service.ts';
import type { VerificationService } from './verification.ts';

export type BulkAction = 'verify' | 'delete';

export interface BulkItemResult {
  id: string;
  ok: boolean;
  code?: string;
  message?: string;
  status?: DomainStatus;
  retryAfterSeconds?: number;
}

interface Deps {
  accessService: AccessService;
  domainService: DomainService;
  verificationService: VerificationService;
  logger: Pick<Logger, 'error'>;
}

/** The typed confirmation that lets a bulk delete remove domains that are in use: `delete 3 domains`. */
export const bulkDeleteConfirmation = (count: number): string => `delete ${count} domain${count === 1 ? '' : 's'}`;

/** How a principal is named in a domain's history ("Deleted by …"). */
export function actorOf(principal: Principal): string {
  if (principal.kind === 'user') return `user ${principal.userId}`;
  if (principal.kind === 'api_key') return `API key ${principal.keyId}`;
  return `widget token ${principal.tokenId}`;
}

function failure(id: string, error: unknown, logger: Deps['logger']): BulkItemResult {
  if (error instanceof AppError || error instanceof KernelError) {
    const details = (error as { details?: { retryAfterSeconds?: unknown } }).details;
    const retry = typeof details?.retryAfterSeconds === 'number' ? { retryAfterSeconds: details.retryAfterSeconds } : {};
    return { id, ok: false, code: error.code, message: error.message, ...retry };
  }
  // One item's unexpected failure must not hide what happened to the others; it is logged like a failed request.
  logger.error({ err: error, domainId: id }, 'bulk domain action failed');
  return { id, ok: false, code: 'INTERNAL', message: 'Internal error' };
}

/**
 * Verify or delete many domains of one organization. Each id goes through the same service calls as the single
 * routes (roles, rate limits, the in-use rule), one after the other, and gets its own result: an id that is
 * unknown, archived, of another organization or outside the caller's projects is NOT_FOUND, exactly like an
 * unknown one. A bulk delete confirms deleting domains that are in use with `bulkDeleteConfirmation(n)` instead
 * of each hostname; the owner role is still required for those.
 */
export function createDomainBulkService({ accessService, domainService, verificationService, logger }: Deps) {
  return {
    async run(principal: Principal, organizationId: string, action: BulkAction, domainIds: string[], confirm?: string): Promise<BulkItemResult[]> {
      await accessService.forOrganization(principal, organizationId); // 404 for an organization outside reach
      const ids = [...new Set(domainIds.map((id) => id.toLowerCase()))];
      const confirmed = confirm !== undefined && confirm === bulkDeleteConfirmation(ids.length);
      const results: BulkItemResult[] = [];
      for (const id of ids) {
        try {
          const { domain, access } = await domainService.get(principal, id);
          if (domain.organization.id !== organizationId) throw new AppError('NOT_FOUND', 'Domain not found');
          if (action === 'verify') {
            const requested = await verificationService.request(access, domain);
            results.push({ id, ok: true, status: requested.status as DomainStatus });
          } else {
            await domainService.archive(access, domain, confirmed ? domain.hostname : undefined, actorOf(principal));
            results.push({ id, ok: true, status: 'archived' });
          }
        } catch (error) {
          results.push(failure(id, error, logger));
        }
      }
      return results;
    },
  };
}
export type DomainBulkService = ReturnType<typeof createDomainBulkService>;
