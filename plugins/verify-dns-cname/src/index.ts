import { defineVerifier, packageFacts, verifierOptions, z, type VerifierMethod } from '@portico/kernel';
import { followChain } from './chain.ts';
import { decideDelegation, delegationRecord } from './check-delegation.ts';
import { decideRouting, routingRecord } from './check-routing.ts';
import { TOKEN_PLACEHOLDER } from './names.ts';

export { followChain } from './chain.ts';
export { decideDelegation, delegationRecord } from './check-delegation.ts';
export { MAX_CHAIN, decideRouting, routingRecord } from './check-routing.ts';
export type { RoutingEvidence } from './check-routing.ts';

/** At least two labels, lower case, no trailing dot. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)+$/;

export const METHODS = ['dns-cname', 'cname-routing'] as const;

export const optionsSchema = z.object({
  /** Which of the two methods to offer. */
  methods: z
    .array(z.enum(METHODS))
    .min(1, { message: 'list at least one method' })
    .refine((list) => new Set(list).size === list.length, { message: 'list each method once' })
    .default([...METHODS]),
  /** dns-cname: the label in front of the hostname where the CNAME lives. */
  recordName: verifierOptions.recordName(),
  /** dns-cname: the domain (under the operator's control) the CNAME points into: `<token>.<verifyDomain>`. */
  verifyDomain: verifierOptions.hostname().default('verify.portico.invalid'),
  /** cname-routing: the per-domain target the hostname must CNAME to, with `{token}` in it. */
  canonicalHost: z
    .string()
    .refine((template) => template.split(TOKEN_PLACEHOLDER).length === 2, {
      message:
        'must contain {token} exactly once (e.g. "{token}.edge.saas.example"): a target shared by every domain proves ' +
        'only that the hostname points at the platform, not which account may claim it',
    })
    .refine((template) => HOSTNAME.test(template.replace(TOKEN_PLACEHOLDER, 'token')), {
      message: 'must be a lower-case hostname of at least two labels once {token} is filled in, without a trailing dot',
    })
    .default(`${TOKEN_PLACEHOLDER}.edge.portico.invalid`),
});

export type DnsCnameOptions = z.input<typeof optionsSchema>;
type Options = z.output<typeof optionsSchema>;

function methods(options: Options): VerifierMethod<Options>[] {
  const all: VerifierMethod<Options>[] = [
    {
      method: 'dns-cname',
      title: 'CNAME record',
      challenge: ({ hostname, token }) => [delegationRecord(options, hostname, token)],
      check: async ({ expected: [expected], dns, signal }) =>
        decideDelegation(await dns.query(expected.name, 'CNAME', { signal }), expected, options.verifyDomain),
    },
    {
      method: 'cname-routing',
      title: 'CNAME to the platform',
      challenge: ({ hostname, token }) => [routingRecord(options.canonicalHost, hostname, token)],
      check: async ({ expected: [expected], dns, signal }) =>
        decideRouting(await followChain(dns, expected.name, expected.value, signal), expected, options.canonicalHost),
    },
  ];
  return all.filter((method) => options.methods.includes(method.method as Options['methods'][number]));
}

export default defineVerifier({
  id: 'verify.dns-cname',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  methods,
});
