import type { Domain } from '@/api/projects';
import type { Mapping, MappingInput, ProtocolMode } from '@/api/routing';

/** What the mapping editor's fields hold (strings as typed; empty means the server's default). */
export interface MappingDraft {
  domainId: string;
  subdomain: string;
  basePath: string;
  serviceId: string;
  internalPath: string;
  internalPort: number | '';
  stripPath: boolean;
  protocol: ProtocolMode;
  redirectStatus: 301 | 308;
}

/** The protocol modes, in the order the editor offers them, with their catalogue key under routing.protocols. */
export const PROTOCOLS: Array<{ value: ProtocolMode; key: string }> = [
  { value: 'https', key: 'https' },
  { value: 'redirect-to-https', key: 'redirect' },
  { value: 'both', key: 'both' },
  { value: 'http', key: 'http' },
];

export const protocolKey = (mode: ProtocolMode): string => PROTOCOLS.find((p) => p.value === mode)?.key ?? 'https';

/** Domain statuses that can take new mappings (verified and later, not drifted, suspended or disabled). */
const ROUTABLE = new Set<Domain['status']>(['verified', 'deploying', 'live', 'issuing', 'cert_failed']);
export const isRoutable = (domain: Domain): boolean => ROUTABLE.has(domain.status);

export function emptyDraft(): MappingDraft {
  return { domainId: '', subdomain: '', basePath: '', serviceId: '', internalPath: '', internalPort: '', stripPath: true, protocol: 'https', redirectStatus: 308 };
}

export function draftOf(mapping: Mapping): MappingDraft {
  return {
    domainId: mapping.domainId,
    subdomain: mapping.subdomain ?? '',
    basePath: mapping.basePath === '/' ? '' : mapping.basePath,
    serviceId: mapping.serviceId,
    internalPath: mapping.internalPath === '/' ? '' : mapping.internalPath,
    internalPort: mapping.internalPort,
    stripPath: mapping.stripPath,
    protocol: mapping.protocol,
    redirectStatus: mapping.redirectStatus === 301 ? 301 : 308,
  };
}

/** The API body of a draft: empty fields left to their defaults, the redirect status only for the redirect mode. */
export function inputOf(draft: MappingDraft): MappingInput {
  const basePath = draft.basePath.trim() || '/';
  return {
    domainId: draft.domainId,
    serviceId: draft.serviceId,
    subdomain: draft.subdomain.trim() || null,
    basePath,
    internalPath: draft.internalPath.trim() || '/',
    ...(draft.internalPort === '' ? {} : { internalPort: draft.internalPort }),
    stripPath: basePath === '/' ? false : draft.stripPath,
    protocol: draft.protocol,
    ...(draft.protocol === 'redirect-to-https' ? { redirectStatus: draft.redirectStatus } : {}),
  };
}
