/**
 * The snapshot cases: EDGE_FIXTURE_ROUTES (the kernel's shared fixture table) rendered with plugin options as an
 * operator writes them, through the plugin's own option parsing, so defaults are what ships.
 */
import { optionsSchema, renderOptionsOf, type IstioPluginOptions } from '../src/index.ts';
import type { IstioRenderOptions } from '../src/render.ts';

const base = { issuerRef: { name: 'letsencrypt' } } satisfies IstioPluginOptions;
/** Portico's server answers HTTP-01 for every host (core/server/src/http/edge.ts). */
const acmeSolver = { host: 'portico.portico.svc.cluster.local', port: 4000 };

export const CASES = {
  'istio-solver': { ...base, acmeSolver },
  istio: base,
  // Portico's Service also answers ownership challenges, which Gateway API cannot answer itself.
  'gateway-api-solver': { ...base, api: 'gateway-api', acmeSolver, ownershipChallengeBackend: acmeSolver },
} satisfies Record<string, IstioPluginOptions>;

export type CaseName = keyof typeof CASES;

export const renderOptionsFor = (name: CaseName): IstioRenderOptions => renderOptionsOf(optionsSchema.parse(CASES[name]));
