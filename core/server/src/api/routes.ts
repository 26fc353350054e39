import type { AnyRoute } from '../http/route.ts';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { certificateRoutes } from './certificates/routes.ts';
import { dnsCredentialRoutes } from './dns-credentials/routes.ts';
import { dnsSetupRoutes } from './dns-setup/routes.ts';
import { domainRoutes } from './domains/routes.ts';
import { edgeRoutes } from './edges/routes.ts';
import { mappingRoutes } from './mappings/routes.ts';
import { providerRoutes } from './providers/routes.ts';
import { serviceRoutes } from './services/routes.ts';
import { organizationRoutes } from './organizations/routes.ts';
import { settingsRoutes } from './organizations/settings.routes.ts';
import { projectDomainRoutes } from './projects/domains.routes.ts';
import { projectRoutes } from './projects/routes.ts';
import { verificationMethodRoutes } from './verification-methods/routes.ts';
import { widgetRoutes } from './widget/routes.ts';

/** Every API route; the router and the OpenAPI document both read this list. */
export const ROUTES: AnyRoute[] = [...authRoutes, ...organizationRoutes, ...settingsRoutes, ...projectRoutes, ...projectDomainRoutes, ...apiKeyRoutes, ...dnsSetupRoutes, ...domainRoutes, ...verificationMethodRoutes, ...dnsCredentialRoutes, ...providerRoutes, ...serviceRoutes, ...mappingRoutes, ...certificateRoutes, ...edgeRoutes, ...widgetRoutes];
