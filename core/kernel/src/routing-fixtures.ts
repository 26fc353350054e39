/** Named route tables for the routing tests (routing.test.ts, routing-preview.test.ts). */
import type { Route } from './hooks.ts';
import { matchRoute, previewRoute, type RoutePreview } from './routing.ts';

export const route = (hostname: string, basePath: string, upstream: Route['upstream'], more: Partial<Route> = {}): Route => ({
  hostname,
  basePath,
  upstream,
  stripPath: true,
  protocol: 'https',
  ...more,
});

/** One line per outcome, so every table row reads `input → what the edge does`. */
function summary(preview: RoutePreview, names: ReadonlyMap<Route, string>): string {
  switch (preview.outcome) {
    case 'proxy':
      return `${names.get(preview.route)} ${preview.internalUrl}${preview.strippedPrefix ? ` strip ${preview.strippedPrefix}` : ''}`;
    case 'redirect':
      return `${preview.status} ${preview.location}`;
    case 'refused':
      return `refused ${preview.reason} ${preview.answer}`;
    case 'acme_challenge':
      return 'acme';
    case 'ownership_challenge':
      return `challenge ${preview.body}`;
    case 'not_found':
      return `not_found ${preview.reason} ${preview.answer}`;
    case 'invalid':
      return `invalid ${preview.reason}`;
  }
}

/** Routes by name: `preview` answers with `summary`, `match` with the name of the route that serves the request. */
export function table(named: Record<string, Route>) {
  const names = new Map(Object.entries(named).map(([name, r]) => [r, name]));
  const routes = Object.values(named);
  return {
    routes,
    preview: (input: Parameters<typeof previewRoute>[1]) => summary(previewRoute(routes, input), names),
    match: (hostname: string, path: string) => {
      const found = matchRoute(routes, { hostname, path });
      return found ? names.get(found) : undefined;
    },
  };
}
