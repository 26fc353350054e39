// Regenerate the reference pages that are generated from code: errors.md, lifecycle.md, events.md, api-keys.md,
// dns-providers.md (from the provider plugins' descriptors) and openapi.json.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/errors/errors-doc.ts';
import { renderOpenApiDoc } from '../src/http/openapi-doc.ts';
import { renderApiKeyScopesDoc } from '../src/modules/api-keys/scopes-doc.ts';
import { renderProviderMatrixDoc, repositoryProviders } from '../src/modules/dns-setup/provider-matrix-doc.ts';
import { renderLifecycleDoc } from '../src/modules/domains/lifecycle-doc.ts';
import { renderEventsDoc } from '../src/modules/events/events-doc.ts';

writeFileSync(new URL('../../../docs/reference/errors.md', import.meta.url), renderErrorsDoc());
writeFileSync(new URL('../../../docs/reference/lifecycle.md', import.meta.url), renderLifecycleDoc());
writeFileSync(new URL('../../../docs/reference/events.md', import.meta.url), renderEventsDoc());
writeFileSync(new URL('../../../docs/reference/api-keys.md', import.meta.url), renderApiKeyScopesDoc());
writeFileSync(new URL('../../../docs/reference/dns-providers.md', import.meta.url), renderProviderMatrixDoc(await repositoryProviders()));
writeFileSync(new URL('../../../docs/reference/openapi.json', import.meta.url), renderOpenApiDoc());
