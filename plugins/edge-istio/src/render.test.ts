import type { Route } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { dnsLabel, renderIstio, type IstioRenderOptions } from './render.ts';
import { toYamlStream } from './yaml.ts';

const options: IstioRenderOptions = {
  api: 'istio',
  gatewayNamespace: 'istio-system',
  routeNamespace: 'portico',
  gatewaySelector: { istio: 'ingressgateway' },
  gatewayClassName: 'istio',
  issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
};
const api = { host: 'api.shop.svc.cluster.local', port: 9000 };
const routes: Route[] = [
  { hostname: 'app.example.test', basePath: '/', upstream: { host: 'web.shop.svc.cluster.local', port: 3000 }, stripPath: true, protocol: 'both' },
  { hostname: 'app.example.test', basePath: '/api', upstream: api, stripPath: true, protocol: 'https' },
];

describe('renderIstio', () => {
  it('renders a Certificate, Gateway and VirtualService per host, longest base path first', () => {
    const [tenant] = renderIstio(routes, options);
    expect(tenant?.tenant).toBe('default');
    expect(tenant?.objects.map((o) => o.kind)).toEqual(['Certificate', 'Gateway', 'VirtualService']);
    const http = tenant?.objects[2]?.spec.http as { name: string; rewrite?: { uri: string }; directResponse?: unknown }[];
    expect(http.map((h) => h.name)).toEqual(['r0-exact-https', 'r0-prefix-https', 'r0-exact-http', 'r0-prefix-http', 'r1-prefix-any']);
    expect(http[1]?.rewrite).toEqual({ uri: '/' });
    expect(http[2]?.directResponse).toEqual({ status: 404 });
  });

  it('renders Gateway API objects with ReplacePrefixMatch', () => {
    const [tenant] = renderIstio(routes, { ...options, api: 'gateway-api' });
    expect(tenant?.objects.map((o) => o.kind)).toEqual(['Certificate', 'Gateway', 'HTTPRoute', 'HTTPRoute']);
    expect(JSON.stringify(tenant?.objects[2]?.spec)).toContain('"replacePrefixMatch":"/"');
  });

  it('gives byte-identical YAML whatever the route order', () => {
    const a = toYamlStream(renderIstio(routes, options)[0]!.objects);
    expect(toYamlStream(renderIstio([...routes].reverse(), options)[0]!.objects)).toBe(a);
  });

  it('derives distinct DNS-1123 names from hostnames', () => {
    expect(dnsLabel('a-b.example')).not.toBe(dnsLabel('a.b-example'));
    expect(dnsLabel('*.example.test')).toMatch(/^wildcard-example-test-[0-9a-f]{8}$/);
    expect(dnsLabel(`${'x'.repeat(70)}.test`)).toHaveLength(63);
  });
});
