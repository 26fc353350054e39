// dns.rfc2136 against BIND 9 (named from @portico/test-servers): the conformance suite and the adapter's own tests.
// CI=true: a missing named fails here; elsewhere the suites are skipped with a printed reason.
import { requireBind, startBind } from '@portico/test-servers';
import { describeAdapterAgainst } from './adapter-suite.ts';

describeAdapterAgainst({
  label: 'BIND',
  available: requireBind(),
  start: startBind,
  expect: {
    // BIND answers a known key its update-policy does not grant with REFUSED.
    typeNotAllowed: 'permission',
    transferNotAllowed: 'permission',
    zoneNotServed: 'not_found',
  },
});
