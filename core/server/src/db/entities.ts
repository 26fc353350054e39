import { ApiKey } from '../modules/api-keys/entity.ts';
import { AcmeChallenge, AcmeDnsChallenge } from '../modules/certificates/challenge.entity.ts';
import { Certificate } from '../modules/certificates/entity.ts';
import { CertificateOrder } from '../modules/certificates/order.entity.ts';
import { DnsCredential } from '../modules/credentials/entity.ts';
import { Domain } from '../modules/domains/entity.ts';
import { EdgeStatus } from '../modules/edges/status.entity.ts';
import { DomainEvent } from '../modules/domains/event.entity.ts';
import { Organization } from '../modules/organizations/entity.ts';
import { Membership } from '../modules/organizations/membership.entity.ts';
import { OrganizationSettingsChange } from '../modules/organizations/settings-change.entity.ts';
import { OrganizationSettings } from '../modules/organizations/settings.entity.ts';
import { Project } from '../modules/projects/entity.ts';
import { ServiceDomainMapping } from '../modules/routing/mapping.entity.ts';
import { OnDemandApproval } from '../modules/routing/on-demand.entity.ts';
import { Service } from '../modules/routing/service.entity.ts';
import { ProjectDomain } from '../modules/projects/project-domain.entity.ts';
import { Session } from '../modules/sessions/entity.ts';
import { LoginThrottle } from '../modules/sessions/throttle.entity.ts';
import { User } from '../modules/users/entity.ts';
import { ProjectWidgetSettings, WidgetToken } from '../modules/widget/entity.ts';

/** Every entity the ORM knows; the migration generator diffs against exactly this list. */
export const ENTITIES = [Organization, OrganizationSettings, OrganizationSettingsChange, User, Membership, Project, ProjectDomain, ApiKey, Session, LoginThrottle, DnsCredential, Domain, DomainEvent, Service, ServiceDomainMapping, Certificate, CertificateOrder, AcmeChallenge, AcmeDnsChallenge, EdgeStatus, OnDemandApproval, WidgetToken, ProjectWidgetSettings];
