import { definePlugin, z, type VerificationMethodDescriptor } from '@portico/kernel';
import { followChain, safeQuery } from './chain.ts';
import { decideDelegation, delegationRecord } from './check-delegation.ts';
import { decideRouting, routingRecord } from './check-routing.ts';
import { TOKEN_PLACEHOLDER, normaliseHost } from './names.ts';

export { followChain, safeQuery } from './chain.ts';
export { decideDelegation, delegationRecord } from './check-delegation.ts';
export { MAX_CHAIN, decideRouting, routingRecord } from './check-routing.ts';
export type { RoutingEvidence } from './check-routing.ts';

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
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
  recordName: z
    .string()
    .regex(LABEL, { message: "must be one DNS label: 1-63 lower-case letters, digits, '-' or '_', not starting or ending with '-'" })
    .default('_portico-challenge'),
  /** dns-cname: the domain (under the operator's control) the CNAME points into: `<token>.<verifyDomain>`. */
  verifyDomain: z
    .string()
    .regex(HOSTNAME, { message: 'must be a lower-case hostname of at least two labels, without a trailing dot (verify.saas.example)' })
    .default('verify.portico.invalid'),
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

function methods(options: Options): VerificationMethodDescriptor[] {
  const all: VerificationMethodDescriptor[] = [
    {
      method: 'dns-cname',
      title: 'CNAME record',
      challenge: ({ hostname, token }) => [delegationRecord(options, hostname, token)],
    },
    {
      method: 'cname-routing',
      title: 'CNAME to the platform',
      challenge: ({ hostname, token }) => [routingRecord(options.canonicalHost, hostname, token)],
    },
  ];
  return all.filter((descriptor) => options.methods.includes(descriptor.method as Options['methods'][number]));
}

export default definePlugin({
  id: 'verify.dns-cname',
  version: '0.1.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: (options) => ({ verificationMethods: methods(options) }),
  apply({ hooks, services, options }) {
    if (options.methods.includes('dns-cname')) {
      hooks.verify.for('dns-cname').tapPromise('verify.dns-cname', async ({ hostname, token, signal }) => {
        const expected = delegationRecord(options, hostname, token);
        return decideDelegation(await safeQuery(services.dns, expected.name, 'CNAME', signal), expected, options.verifyDomain);
      });
    }
    if (options.methods.includes('cname-routing')) {
      hooks.verify.for('cname-routing').tapPromise('verify.dns-cname', async ({ hostname, token, signal }) => {
        const expected = routingRecord(options.canonicalHost, normaliseHost(hostname), token);
        return decideRouting(await followChain(services.dns, expected.name, expected.value, signal), expected, options.canonicalHost);
      });
    }
  },
});
