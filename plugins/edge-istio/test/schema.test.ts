/**
 * Every object of every snapshot file, and of a generated larger route table, validates against the
 * openAPIV3Schema of its CRD and version (test/fixtures/crds, copied with their license; see NOTICE there),
 * CEL rules included (kube-schema.ts), and passes the API server's metadata checks. One deliberately broken
 * object per CRD shows the checks can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { tenantFiles } from '../src/gitops.ts';
import { renderIstio, type KubeObject } from '../src/render.ts';
import { GENERATED_HEADER } from '../src/yaml.ts';
import { CASES, renderOptionsFor, type CaseName } from './cases.ts';
import { generatedRoutes } from './generated-routes.ts';
import { checkMetadata, countRules, crdSchemas, createCrdValidator, type CelStats, type CrdValidator } from './kube-schema.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CRD_FILES = [
  'gateways.networking.istio.io.yaml',
  'virtualservices.networking.istio.io.yaml',
  'cert-manager.io_certificates.yaml',
  'gateway.networking.k8s.io_gateways.yaml',
  'gateway.networking.k8s.io_httproutes.yaml',
];

const stats: CelStats = { rules: 0, unparsable: 0, evaluated: 0, answered: new Set(), unevaluable: [], transitionSkipped: 0 };
const validators = CRD_FILES.map((file) => createCrdValidator(`${fixtures}crds/${file}`, stats));
const validatorOf = (object: KubeObject): CrdValidator | undefined => validators.find((v) => object.apiVersion.startsWith(`${v.group}/`) && v.kind === object.kind);

function validate(object: KubeObject): string[] {
  const validator = validatorOf(object);
  return validator ? validator.validate(object) : [`no CRD for ${object.apiVersion} ${object.kind}`];
}

/** Whether an HTTPRoute rule (or one of its backends) rewrites or redirects with ReplacePrefixMatch. */
const replacesPrefix = (rule: unknown) => /"type":"ReplacePrefixMatch"/.test(JSON.stringify(rule));
const parseStream = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS() as KubeObject);
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'crds').map((d) => d.name).sort();

describe('CRD schemas', () => {
  it('finds a snapshot directory per case', () => {
    expect(cases).toEqual(Object.keys(CASES).sort());
  });

  it('reaches every CEL rule of every CRD version where the API server evaluates it', () => {
    for (const file of CRD_FILES) {
      for (const schema of crdSchemas(`${fixtures}crds/${file}`)) expect(countRules(schema, true), file).toBe(countRules(schema));
    }
    expect(stats.rules).toBeGreaterThan(100);
    expect(stats.unparsable).toBe(0);
  });

  for (const name of cases) {
    for (const file of readdirSync(`${fixtures}${name}`).sort()) {
      it(`accepts every object of ${name}/${file}`, () => {
        const text = readFileSync(`${fixtures}${name}/${file}`, 'utf8');
        expect(text.startsWith(`${GENERATED_HEADER}\n---\n`)).toBe(true);
        const objects = parseStream(text);
        expect(objects.length).toBeGreaterThan(0);
        for (const object of objects) expect(validate(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
      });
    }
  }

  for (const name of Object.keys(CASES) as CaseName[]) {
    it(`accepts every object of a generated table of ${generatedRoutes().length} routes (${name})`, () => {
      const files = tenantFiles(renderIstio(generatedRoutes(), renderOptionsFor(name)));
      const objects = [...files.values()].flatMap(parseStream);
      expect(objects.length).toBeGreaterThan(200);
      const kinds = new Set(objects.map((o) => o.kind));
      expect([...kinds].sort()).toEqual(name.startsWith('gateway-api') ? ['Certificate', 'Gateway', 'HTTPRoute'] : ['Certificate', 'Gateway', 'VirtualService']);
      for (const object of objects) expect(validate(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
    });
  }

  it('names, after all of the above, how many CEL rules were evaluated and how many could not be', () => {
    const distinct = new Set(stats.unevaluable.map((u) => u.rule));
    const reasons = [...new Set(stats.unevaluable.map((u) => u.reason))];
    console.info(
      `CEL (cel-js): ${stats.rules} rules in ${validators.reduce((n, v) => n + v.versions.length, 0)} CRD versions, ${stats.unparsable} unparsable; ` +
        `${stats.evaluated} evaluations on data answered (${stats.answered.size} distinct rules); ${stats.unevaluable.length} evaluations of ${distinct.size} distinct rules could not be evaluated` +
        `${reasons.length ? ` (${reasons.join('; ')})` : ''}; ${stats.transitionSkipped} transition rules skipped (create)`,
    );
    expect(stats.evaluated).toBeGreaterThan(1000);
    // cel-js 8.0.0 refuses has() on a field of an indexed element (`has(self.matches[0].path)`), valid CEL: the four
    // HTTPRoute rules that limit ReplacePrefixMatch to a single PathPrefix match; checked by hand below instead.
    expect(new Set(stats.unevaluable.map((u) => u.rule)).size).toBe(4);
    for (const { rule, reason } of stats.unevaluable) {
      expect(rule).toContain('!has(self.matches[0].path)');
      expect(reason).toMatch(/has\(\) invalid argument/);
    }
  });

  it('checks by hand what cel-js cannot: a ReplacePrefixMatch rewrite sits on a rule with exactly one PathPrefix match', () => {
    let rewrites = 0;
    for (const name of Object.keys(CASES) as CaseName[]) {
      const objects = [...tenantFiles(renderIstio(generatedRoutes(), renderOptionsFor(name))).values()].flatMap(parseStream).filter((o) => o.kind === 'HTTPRoute');
      for (const rule of objects.flatMap((o) => o.spec.rules as { matches: { path: { type: string } }[] }[])) {
        if (replacesPrefix(rule)) {
          rewrites++;
          expect(rule.matches.map((m) => m.path.type)).toEqual(['PathPrefix']);
        }
      }
    }
    expect(rewrites).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The checks can fail: one broken object per CRD, and broken metadata.
// ---------------------------------------------------------------------------------------------------------

const meta = { name: 'broken', namespace: 'portico', labels: { 'app.kubernetes.io/managed-by': 'portico' } };
const server = { hosts: ['portico/a.test'], port: { name: 'https-a', number: 443, protocol: 'HTTPS' } };
const listener = { name: 'https', hostname: 'a.test', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 's' }] } };
const rule = { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] };
const route = (rules: unknown[]) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta, spec: { hostnames: ['a.test'], parentRefs: [{ name: 'a' }], rules } });

const broken: { what: string; object: unknown; finds: RegExp }[] = [
  {
    what: 'an Istio Gateway server with a bad tls mode',
    object: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta, spec: { selector: { istio: 'ingressgateway' }, servers: [{ ...server, tls: { mode: 'SIMPLEST', credentialName: 's' } }] } },
    finds: /tls\/mode: must be equal to one of the allowed values/,
  },
  {
    what: 'an Istio Gateway server with both credentialName and credentialNames (CEL)',
    object: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta, spec: { servers: [{ ...server, tls: { mode: 'SIMPLE', credentialName: 's', credentialNames: ['t'] } }] } },
    finds: /only one of credentialName or credentialNames can be set \(CEL/,
  },
  {
    what: 'a VirtualService with a misspelt field',
    object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec: { hosts: ['a.test'], http: [{ rewite: { uri: '/' }, route: [{ destination: { host: 'web' } }] }] } },
    finds: /\/spec\/http\/0: must NOT have additional properties \{"additionalProperty":"rewite"\}/,
  },
  {
    what: 'a VirtualService with a timeout below 1ms (CEL duration)',
    object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec: { hosts: ['a.test'], http: [{ timeout: '0.5ms', route: [{ destination: { host: 'web' } }] }] } },
    finds: /spec\.http\[0\]\.timeout: .*\(CEL: duration\(self\) >= duration\('1ms'\)\)/,
  },
  {
    what: 'a Certificate without secretName',
    object: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta, spec: { dnsNames: ['a.test'], issuerRef: { name: 'le' } } },
    finds: /must have required property 'secretName'/,
  },
  {
    what: 'a Gateway API Gateway with two listeners of one name (CEL and list-map keys)',
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta, spec: { gatewayClassName: 'istio', listeners: [listener, { ...listener, hostname: 'b.test' }] } },
    finds: /Listener name must be unique within the Gateway \(CEL/,
  },
  {
    what: 'a Gateway API HTTPS listener terminating TLS without a certificate (CEL)',
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta, spec: { gatewayClassName: 'istio', listeners: [{ ...listener, tls: { mode: 'Terminate' } }] } },
    finds: /certificateRefs or options must be specified when mode is Terminate \(CEL/,
  },
  {
    what: 'an HTTPRoute with more than 16 rules',
    object: route(Array.from({ length: 17 }, () => rule)),
    finds: /\/spec\/rules: must NOT have more than 16 items/,
  },
  {
    what: 'an HTTPRoute rule with backends and a redirect (CEL)',
    object: route([{ ...rule, filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }]),
    finds: /RequestRedirect filter must not be used together with backendRefs \(CEL/,
  },
];

describe('the schema checks can fail', () => {
  for (const { what, object, finds } of broken) {
    it(`rejects ${what}`, () => {
      const errors = validate(object as KubeObject);
      expect(errors.join('\n')).toMatch(finds);
    });
  }

  it('rejects a name that is not DNS-1123, and label values that are too long or malformed', () => {
    const errors = checkMetadata({ name: 'Bad_Name', namespace: 'portico', labels: { 'portico.dev/host': 'x'.repeat(64), 'portico.dev/tenant': '_default', 'bad key!': 'v' } });
    expect(errors).toHaveLength(4);
    expect(errors.join('\n')).toMatch(/metadata.name: Bad_Name/);
  });

  it('accepts the broken objects once they are fixed, so the rejections above are for the reason named', () => {
    const ok = broken[0]!.object as KubeObject & { spec: { servers: { tls: { mode: string } }[] } };
    const fixed = structuredClone(ok);
    fixed.spec.servers[0]!.tls.mode = 'SIMPLE';
    expect(validate(fixed)).toEqual([]);
    expect(validate(route(Array.from({ length: 16 }, () => rule)) as unknown as KubeObject)).toEqual([]);
  });
});
