// dns.rfc2136 against Knot DNS (knotd from @portico/test-servers): the conformance suite and the adapter's own
// tests. CI=true: a missing knotd fails here; elsewhere the suites are skipped with a printed reason.
import { requireKnot, startKnot } from '@portico/test-servers';
import { describeAdapterAgainst } from './adapter-suite.ts';

describeAdapterAgainst({
  label: 'Knot',
  available: requireKnot(),
  start: startKnot,
  expect: {
    // Knot answers a key its acl does not allow exactly like an unknown key: NOTAUTH/BADKEY.
    typeNotAllowed: 'auth',
    transferNotAllowed: 'auth',
    zoneNotServed: 'not_found',
  },
});
