// The client against Knot DNS (knotd from @portico/test-servers).
import { requireKnot, startKnot } from '@portico/test-servers';
import { describeClientAgainst } from './suite.ts';

describeClientAgainst({
  label: 'Knot',
  available: requireKnot(),
  start: startKnot,
  expect: {
    // Knot answers a key its acl does not allow exactly like an unknown key.
    keyNotAllowed: { kind: 'auth', rcode: 'NOTAUTH', tsigError: 'BADKEY' },
    // Knot's NOTAUTH for a zone it does not hold is unsigned, so the key cannot be told apart from a bad one.
    transferNotAllowed: { kind: 'auth', rcode: 'NOTAUTH', tsigError: 'BADKEY' },
    zoneNotServed: 'auth',
  },
});
