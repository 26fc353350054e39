import { existsSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.ts';
import { argvOf, configs, envOf, gid, inCheckout, isRecord, missingNodeOptions, nameOf, nodeCommand, objects, podsOf, porticoRefusal, roleOf, ROLES, SECRET_PREFIX, SERVER_ENV, STOP_DEADLINE_S, uid, unknownEnv, workloads, type K8sObject } from './deployment-files.ts';

// The files of docs/deployment/ and docs/deployment.md against the code they drive. Every Kubernetes object is
// validated against the Kubernetes schemas, unknown fields included; every role, flag, environment variable and
// config key they use must be one the server reads; ports and probe paths are asked of a running Portico; the
// Containerfile's commands must name real scripts and files; the systemd units pass systemd-analyze; the migration
// step and the backup query run against a real database. Each failure names the file and what is wrong in it.


// ── Kubernetes ─────────────────────────────────────────────────────────────────────────────────────────────────

type ModelClass = new (data: unknown) => { validate(): void };
/** The API groups the manifests may use, each with kubernetes-models' classes for its kinds. */
const MODELS: Record<string, Record<string, unknown>> = { v1: core, 'apps/v1': apps, 'batch/v1': batch, 'policy/v1': policy, 'networking.k8s.io/v1': networking };
function modelFor(o: K8sObject): ModelClass {
  const model = MODELS[o.apiVersion]?.[o.kind];
  if (typeof model !== 'function') throw new Error(`${nameOf(o)}: no ${o.apiVersion} ${o.kind} in this test's MODELS (import it from kubernetes-models)`);
  return model as ModelClass;
}
/** The schemas allow unknown fields; a field is known when a wrong-typed value in it is reported at its own path. */
function unknownFields(Model: ModelClass, object: Record<string, unknown>): string[] {
  const known = (path: Array<string | number>) => {
    const probe = structuredClone(object);
    let parent = probe as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
    parent[path.at(-1)!] = Symbol('probe');
    const pointer = path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
    try {
      new Model(probe).validate();
      return false;
    } catch (error) {
      return ((error as { errors?: Array<{ instancePath: string }> }).errors ?? []).some((e) => e.instancePath === pointer);
    }
  };
  const found: string[] = [];
  const visit = (value: unknown, path: Array<string | number>) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (isRecord(value)) {
      for (const [key, v] of Object.entries(value)) {
        if (path.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
        if (known([...path, key])) visit(v, [...path, key]);
        else found.push([...path, key].join('.'));
      }
    }
  };
  visit(object, []);
  return found;
}

describe('Kubernetes manifests (docs/deployment/kubernetes)', () => {
  it('has the objects the deployment needs', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name ?? o.metadata.generateName}`).sort()).toEqual(
      ['ConfigMap portico-config', 'Deployment portico-api', 'Deployment portico-worker', 'Job portico-migrate-', 'PodDisruptionBudget portico-api', 'PodDisruptionBudget portico-worker', 'Service portico-api'].sort(),
    );
  });

  it('validates every object against the Kubernetes schemas, unknown fields included', () => {
    const problems: string[] = [];
    for (const o of objects) {
      const { file: _file, ...object } = o;
      const Model = modelFor(o);
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`${nameOf(o)}: ${(error as Error).message}`);
        continue;
      }
      problems.push(...unknownFields(Model, object).map((field) => `${nameOf(o)}: unknown field ${field}`));
    }
    expect(problems).toEqual([]);
  });

  it('holds no secret: no Secret object, secret variables only by reference to one Secret', () => {
    expect(objects.filter((o) => o.kind === 'Secret').map(nameOf), 'Secret objects (create them apart, never commit one)').toEqual([]);
    const secretVariable = (name: string) => name === 'DATABASE_URL' || name === 'PORTICO_ENCRYPTION_KEYS' || name.startsWith(SECRET_PREFIX);
    const problems = workloads.flatMap((o) =>
      podsOf(o).containers.flatMap((c) =>
        (c.env ?? []).flatMap((e) => {
          const ref = e.valueFrom?.secretKeyRef;
          if (secretVariable(e.name) && !ref) return [`${nameOf(o)}: ${e.name} is a literal value, not a secretKeyRef`];
          if (ref && (ref.name !== 'portico-secrets' || ref.key !== e.name)) return [`${nameOf(o)}: ${e.name} refers to ${ref.name}/${ref.key}, not portico-secrets/${e.name}`];
          return [];
        }),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('uses only environment variables the server reads, and supplies every secret the config names', () => {
    const used = workloads.flatMap((o) => podsOf(o).containers.flatMap((c) => (c.env ?? []).map((e) => e.name)));
    expect(unknownEnv(used), 'variables Portico does not read').toEqual([]);
    const named = configs.flatMap(({ text }) => [...text.matchAll(/"(?:passwordSecret|clientSecretName|accountKeySecret)": "([^"]+)"/g)].map((m) => `${SECRET_PREFIX}${m[1]!.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`));
    for (const o of workloads.filter((w) => roleOf(argvOf(podsOf(w).containers[0]!)) !== undefined)) {
      const names = podsOf(o).containers[0]!.env?.map((e) => e.name) ?? [];
      expect(named.filter((n) => !names.includes(n)), `${nameOf(o)}: secrets its config names`).toEqual([]);
    }
  });

  it('runs each container as a command line Portico accepts, with the image every workload shares', async () => {
    const images = new Set(workloads.flatMap((o) => podsOf(o).containers.map((c) => c.image)));
    expect(images.size, `one image for every workload: ${[...images].join(', ')}`).toBe(1);
    for (const o of workloads) {
      for (const c of podsOf(o).containers) {
        const argv = argvOf(c);
        const { script } = nodeCommand(argv);
        expect(existsSync(inCheckout(`/app/${script}`)), `${nameOf(o)}: ${script} is not in the repository`).toBe(true);
        expect(missingNodeOptions(argv), `${nameOf(o)}: node options of ${argv.join(' ')}`).toEqual([]);
        if (script === 'docs/deployment/migrate.ts') continue; // run against a database below
        expect(ROLES, `${nameOf(o)}: role of ${argv.join(' ')}`).toContain(roleOf(argv));
        expect(await porticoRefusal(argv), `${nameOf(o)}: ${argv.join(' ')}`).toBeUndefined();
      }
    }
  });

  it('probes the API on its real port and paths, and never probes a worker (it listens on no port)', () => {
    const problems: string[] = [];
    for (const o of workloads) {
      for (const c of podsOf(o).containers) {
        const role = roleOf(argvOf(c));
        const probes = [c.startupProbe, c.readinessProbe, c.livenessProbe].filter((p) => p !== undefined);
        if (role === 'worker' || role === undefined) {
          if (probes.length > 0 || (c.ports ?? []).length > 0) problems.push(`${nameOf(o)}: role ${role ?? 'migrate'} listens on no port, yet has ports or probes`);
          continue;
        }
        const port = Number(envOf(c).PORTICO_PORT ?? configSchema.parse({}).http.port);
        const http = c.ports?.find((p) => p.name === 'http');
        if (http?.containerPort !== port) problems.push(`${nameOf(o)}: containerPort "http" ${http?.containerPort} but Portico listens on ${port}`);
        if (envOf(c).PORTICO_HOST !== '0.0.0.0' && envOf(c).PORTICO_HOST !== '::') problems.push(`${nameOf(o)}: PORTICO_HOST ${envOf(c).PORTICO_HOST} is not reachable from other pods`);
        if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${nameOf(o)}: readiness probe ${c.readinessProbe?.httpGet?.path}, not /readyz`);
        if (c.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${nameOf(o)}: liveness probe ${c.livenessProbe?.httpGet?.path}, not /healthz`);
        for (const p of probes) if (p.httpGet?.port !== 'http' && p.httpGet?.port !== port) problems.push(`${nameOf(o)}: a probe asks port ${p.httpGet?.port}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('selects what it means to: Deployments their pods, the Service the API pods only, each PDB a Deployment', () => {
    const matches = (selector: Record<string, unknown> | undefined, labels: Record<string, string> = {}) => !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    for (const d of deployments) expect(matches(d.spec!.selector!.matchLabels as Record<string, unknown>, d.spec!.template!.metadata?.labels), `${nameOf(d)}: selector`).toBe(true);
    for (const s of objects.filter((o) => o.kind === 'Service')) {
      const selected = deployments.filter((d) => matches(s.spec!.selector, d.spec!.template!.metadata?.labels));
      expect(selected.map((d) => d.metadata.name), `${nameOf(s)}: selects`).toEqual(['portico-api']);
      for (const p of s.spec!.ports ?? []) {
        expect(podsOf(selected[0]!).containers.some((c) => c.ports?.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort)), `${nameOf(s)}: targetPort ${p.targetPort}`).toBe(true);
      }
    }
    for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
      expect(deployments.filter((d) => matches(pdb.spec!.selector!.matchLabels as Record<string, unknown>, d.spec!.template!.metadata?.labels)), `${nameOf(pdb)}: selects`).toHaveLength(1);
    }
  });

  it('runs non-root on a read-only root file system with the Containerfile user, resources set, the config mounted where PORTICO_CONFIG points', () => {
    const problems: string[] = [];
    for (const o of workloads) {
      const pod = podsOf(o);
      if (pod.securityContext?.runAsNonRoot !== true || pod.securityContext.runAsUser !== uid || pod.securityContext.runAsGroup !== gid) problems.push(`${nameOf(o)}: pod securityContext is not runAsNonRoot with the image's user ${uid}:${gid}`);
      for (const c of pod.containers) {
        const sc = c.securityContext;
        if (sc?.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false || !sc.capabilities?.drop?.includes('ALL')) problems.push(`${nameOf(o)}: container ${c.name} securityContext`);
        if (!c.resources?.requests?.cpu || !c.resources.requests.memory || !c.resources.limits?.memory) problems.push(`${nameOf(o)}: container ${c.name} lacks cpu/memory requests or a memory limit`);
        const configPath = envOf(c).PORTICO_CONFIG;
        const mount = c.volumeMounts?.find((m) => m.mountPath === dirname(configPath ?? ''));
        const volume = pod.volumes?.find((v) => v.name === mount?.name);
        const map = objects.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume?.configMap?.name);
        if (!map?.data?.[posix.basename(configPath ?? '')]) problems.push(`${nameOf(o)}: no ConfigMap key is mounted at PORTICO_CONFIG (${configPath})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("gives each pod time to stop in order: preStop plus Portico's own stop deadline fit in the grace period", () => {
    expect(STOP_DEADLINE_S, 'STOP_DEADLINE_MS in main.ts').toBeGreaterThan(0);
    for (const o of objects.filter((d) => d.kind === 'Deployment')) {
      const pod = podsOf(o);
      const preStop = Math.max(0, ...pod.containers.map((c) => c.lifecycle?.preStop?.sleep?.seconds ?? Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0)));
      expect(pod.terminationGracePeriodSeconds ?? 30, `${nameOf(o)}: terminationGracePeriodSeconds vs preStop ${preStop} s + ${STOP_DEADLINE_S} s`).toBeGreaterThan(preStop + STOP_DEADLINE_S);
    }
  });

  it('keeps Kubernetes service links from setting variables Portico reads', () => {
    const linked = workloads.filter((o) => podsOf(o).enableServiceLinks !== false);
    // What Kubernetes sets for a Service `name` with a port: NAME_SERVICE_HOST, NAME_SERVICE_PORT, NAME_PORT, NAME_PORT_<port>_TCP…
    const injected = objects
      .filter((o) => o.kind === 'Service')
      .flatMap((svc) => {
        const p = svc.metadata.name!.toUpperCase().replaceAll('-', '_');
        const ports = (svc.spec?.ports ?? []).flatMap(({ port }) => [`${p}_PORT_${port}_TCP`, `${p}_PORT_${port}_TCP_PROTO`, `${p}_PORT_${port}_TCP_PORT`, `${p}_PORT_${port}_TCP_ADDR`]);
        return [`${p}_SERVICE_HOST`, `${p}_SERVICE_PORT`, `${p}_PORT`, ...ports];
      });
    const clashes = linked.length === 0 ? [] : injected.filter((n) => SERVER_ENV.has(n));
    expect(clashes, `variables service links would set in ${linked.map(nameOf).join(', ')}`).toEqual([]);
  });
});

// ── Containerfile ──────────────────────────────────────────────────────────────────────────────────────────────
