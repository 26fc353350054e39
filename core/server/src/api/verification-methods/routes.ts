import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';

const methodSchema = z
  .object({ method: z.string(), title: z.string(), plugin: z.string(), default: z.boolean() })
  .meta({ id: 'VerificationMethod' });

export const verificationMethodRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/verification-methods',
    tag: 'domains',
    summary: 'The verification methods this installation offers (from its enabled plugins)',
    auth: 'principal',
    response: z.object({ data: z.array(methodSchema) }),
    handler: ({ cradle }) => ({
      data: cradle.kernel.descriptors.verificationMethods.map((d) => ({
        method: d.method,
        title: d.title,
        plugin: d.plugin,
        default: d.method === cradle.config.verification.defaultMethod,
      })),
    }),
  }),
];
