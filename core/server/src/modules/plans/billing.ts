import { asValue } from 'awilix';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import type { Plan } from './catalogue.ts';

/**
 * The billing plugin point: asked on every plan change, before it takes effect.
 *
 * A billing module is an ES module whose default export is a factory `(options, { logger }) => BillingProvider`
 * (sync or async), named in the config's `plans.billing: { package, options }`. It is loaded once at start-up;
 * a module that fails to load stops start-up with CONFIG_INVALID.
 *
 * `changePlan` answers `{ status: 'active' }` when the change may take effect now (a free plan, a card on file),
 * or `{ status: 'pending', redirectUrl }` when the owner must finish an external step first (a checkout page):
 * the organization stays on its current plan and `GET /v1/subscription` reports the pending change and the URL.
 * While a change is pending, each `GET /v1/subscription` asks `pendingStatus` (when the provider has it) and
 * applies the change once it answers `active`, or drops it on `cancelled`. A throw refuses the change
 * (BILLING_REFUSED, with the error's message).
 *
 * @example
 * export default function createBilling(options: { checkoutUrl: string }) {
 *   return {
 *     id: 'billing.example',
 *     async changePlan({ organization, to }) {
 *       if (to.id === 'free') return { status: 'active' };
 *       return { status: 'pending', redirectUrl: `${options.checkoutUrl}?org=${organization.id}&plan=${to.id}` };
 *     },
 *     async pendingStatus({ organization, to }) { return (await paid(organization.id, to.id)) ? 'active' : 'pending'; },
 *   };
 * }
 */
export interface BillingProvider {
  id: string;
  changePlan(input: BillingChange): Promise<BillingDecision> | BillingDecision;
  pendingStatus?(input: BillingChange): Promise<'active' | 'pending' | 'cancelled'> | 'active' | 'pending' | 'cancelled';
}

export interface BillingChange {
  organization: { id: string; name: string; slug: string };
  from: Plan;
  to: Plan;
  /** The user asking, when a person asks. */
  requestedBy: { userId: string } | null;
}

export type BillingDecision = { status: 'active' } | { status: 'pending'; redirectUrl: string };

export type BillingFactory = (options: unknown, services: { logger: Logger }) => BillingProvider | Promise<BillingProvider>;

/** No billing: every change is active at once. */
export const NO_BILLING: BillingProvider = { id: 'none', changePlan: () => ({ status: 'active' }) };

/** Load the billing module the config names (a package resolved from `baseDir`, or a path relative to it). */
export async function loadBilling(entry: { package: string; options?: unknown } | null, baseDir: string, logger: Logger): Promise<BillingProvider> {
  if (!entry) return NO_BILLING;
  const where = `plans.billing (${entry.package})`;
  let url: string;
  try {
    const isPath = entry.package.startsWith('.') || isAbsolute(entry.package);
    url = isPath ? pathToFileURL(resolve(baseDir, entry.package)).href : pathToFileURL(createRequire(resolve(baseDir, 'noop.js')).resolve(entry.package)).href;
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `${where}: cannot find the module from ${baseDir}: ${(error as Error).message}`, { field: 'plans.billing' });
  }
  let factory: unknown;
  try {
    factory = ((await import(url)) as { default?: unknown }).default;
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `${where}: the module failed to load: ${(error as Error).message}`, { field: 'plans.billing' });
  }
  if (typeof factory !== 'function') throw new AppError('CONFIG_INVALID', `${where}: the default export must be a function returning the billing provider.`, { field: 'plans.billing' });
  const provider = (await (factory as BillingFactory)(entry.options ?? {}, { logger })) as Partial<BillingProvider> | undefined;
  if (!provider || typeof provider.id !== 'string' || typeof provider.changePlan !== 'function') {
    throw new AppError('CONFIG_INVALID', `${where}: the factory must return { id, changePlan(), pendingStatus?() }.`, { field: 'plans.billing' });
  }
  return provider as BillingProvider;
}

/** Replace the container's default (no billing) with the configured module, before any service resolves it. */
export async function installBilling(container: { register(name: 'billing', resolver: ReturnType<typeof asValue<BillingProvider>>): unknown }, entry: { package: string; options?: unknown } | null, baseDir: string, logger: Logger): Promise<void> {
  if (entry) container.register('billing', asValue(await loadBilling(entry, baseDir, logger)));
}
