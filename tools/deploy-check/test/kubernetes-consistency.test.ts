import { readFileSync } from 'node:fs';
import { describeApp, readsVariable, type AppDescription } from '../src/app-description';
import type { KubeObject } from '../src/kube-object';
import { fieldsNewerThan, MINIMUM_KUBERNETES } from '../src/kubernetes/minimum-version';
import { objectId } from '../src/kubernetes/schema-validation';
import { DEPLOYED_APPS, repoPath } from '../src/repo';
import { appDeployments, matchesLabels, podTemplate, workloads, type Container } from './support/manifest-queries';
import { describeWithKubectl, KUSTOMIZATIONS, kustomizeRenders, named, ofKind, type Renders } from './support/renders';

// What the apps say about themselves, in the environment the manifests give them.
const descriptions = new Map<string, AppDescription>(
  DEPLOYED_APPS.map((app) => [app, describeApp(app, { NODE_ENV: 'production' })]),
);
const description = (app: string): AppDescription => descriptions.get(app) as AppDescription;

let renders: Renders;
beforeAll(() => {
  renders = kustomizeRenders();
});
afterAll(() => renders.tree.remove());

const appContainer = (deployment: KubeObject): Container => {
  const container = podTemplate(deployment).spec.containers.find((c) => c.name === 'app');
  if (!container) throw new Error(`${deployment.metadata.name} has no container named app`);
  return container;
};
const envOf = (container: Container) => new Map((container.env ?? []).map((variable) => [variable.name, variable]));

describeWithKubectl('the rendered manifests', () => {
  describe.each(KUSTOMIZATIONS)('%s against the apps', (dir) => {
    const objects = () => renders.rendered(dir);

    it('deploys every app, each under its registry name', () => {
      const apps = new Set(appDeployments(objects()).map((deployment) => deployment.metadata.labels?.app));
      expect([...apps].sort()).toEqual([...DEPLOYED_APPS].sort());
    });

    it.each(DEPLOYED_APPS)('%s: container port and probe paths are the ones the app serves', (app) => {
      for (const deployment of appDeployments(objects()).filter((d) => d.metadata.labels?.app === app)) {
        const container = appContainer(deployment);
        const { defaultPort, probes } = description(app);
        expect(container.ports).toEqual([{ name: 'http', containerPort: defaultPort }]);
        expect(envOf(container).has('PORT')).toBe(false);
        expect(container.startupProbe?.httpGet).toEqual({ path: probes.startup, port: 'http' });
        expect(container.livenessProbe?.httpGet).toEqual({ path: probes.live, port: 'http' });
        expect(container.readinessProbe?.httpGet).toEqual({ path: probes.ready, port: 'http' });
        expect(container.image).toMatch(new RegExp(`^discovery-lab/${app}:`));
      }
    });

    it.each(DEPLOYED_APPS)('%s: sets only variables the app reads, and every one it requires', (app) => {
      for (const deployment of appDeployments(objects()).filter((d) => d.metadata.labels?.app === app)) {
        const env = envOf(appContainer(deployment));
        const unknown = [...env.keys()].filter((name) => !readsVariable(description(app), name));
        expect(unknown).toEqual([]);
        const missing = description(app)
          .variables.filter((variable) => variable.required)
          .map((variable) => variable.name)
          .filter((name) => !env.has(name) && !env.has(`${name}_FILE`));
        expect(missing).toEqual([]);
      }
    });

    it.each(DEPLOYED_APPS)(
      '%s: sets no variable that would fix a live setting, so an edited ConfigMap applies',
      (app) => {
        const fixing = description(app)
          .variables.filter((variable) => variable.setting)
          .map((variable) => variable.name);
        expect(fixing).toContain('LOG_LEVEL');
        for (const deployment of appDeployments(objects()).filter((d) => d.metadata.labels?.app === app)) {
          const env = envOf(appContainer(deployment));
          expect(fixing.filter((name) => env.has(name) || env.has(`${name}_FILE`))).toEqual([]);
        }
      },
    );

    it('every NAME_FILE points at a key of a mounted Secret or ConfigMap', () => {
      for (const deployment of appDeployments(objects())) {
        const { spec } = podTemplate(deployment);
        const container = appContainer(deployment);
        for (const variable of (container.env ?? []).filter((v) => v.name.endsWith('_FILE'))) {
          const file = String(variable.value);
          const mount = (container.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
          expect({ variable: variable.name, mounted: Boolean(mount) }).toEqual({
            variable: variable.name,
            mounted: true,
          });
          const volume = spec.volumes?.find((v) => v.name === mount?.name);
          const source = volume?.secret
            ? named(objects(), 'Secret', volume.secret.secretName)
            : named(objects(), 'ConfigMap', String(volume?.configMap?.name));
          const key = file.slice(String(mount?.mountPath).length + 1);
          expect(Object.keys((source.data as Record<string, string>) ?? {})).toContain(key);
        }
      }
    });

    it('every volume, service account, autoscaler and disruption budget refers to something that exists', () => {
      for (const workload of workloads(objects())) {
        for (const volume of workload.spec.volumes ?? []) {
          if (volume.configMap) named(objects(), 'ConfigMap', volume.configMap.name);
          if (volume.secret) named(objects(), 'Secret', volume.secret.secretName);
        }
        if (workload.spec.serviceAccountName) named(objects(), 'ServiceAccount', workload.spec.serviceAccountName);
      }
      for (const hpa of ofKind(objects(), 'HorizontalPodAutoscaler')) {
        const target = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
        named(objects(), target.kind, target.name);
      }
      for (const pdb of ofKind(objects(), 'PodDisruptionBudget')) {
        const selector = (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        expect(workloads(objects()).some((w) => matchesLabels(w.labels, selector))).toBe(true);
      }
    });

    it.each(DEPLOYED_APPS)('%s: a Service of that name reaches the pods on the port DNS discovery uses', (app) => {
      const service = named(objects(), 'Service', app);
      const spec = service.spec as {
        selector: Record<string, string>;
        ports: { name: string; port: number; targetPort: string }[];
      };
      const pods = workloads(objects()).filter((w) => matchesLabels(w.labels, spec.selector));
      expect(pods.map((pod) => pod.labels.app)).toEqual(pods.map(() => app));
      expect(pods.length).toBeGreaterThan(0);
      for (const deployment of appDeployments(objects()).filter((d) => d.metadata.labels?.app === app)) {
        const env = envOf(appContainer(deployment));
        expect(env.get('DISCOVERY_BACKEND')?.value).toBe('dns');
        expect(spec.ports).toEqual([
          expect.objectContaining({
            name: 'http',
            port: Number(env.get('DNS_SERVICE_PORT')?.value),
            targetPort: 'http',
          }),
        ]);
      }
    });

    it.each(DEPLOYED_APPS)('%s: the startup probe outlasts the wait for the first database connection', (app) => {
      const variable = description(app).variables.find((v) => v.name === 'DATABASE_STARTUP_TIMEOUT');
      for (const deployment of appDeployments(objects()).filter((d) => d.metadata.labels?.app === app)) {
        const container = appContainer(deployment);
        if (!envOf(container).has('DATABASE_URL_FILE')) continue;
        const probe = container.startupProbe as { periodSeconds: number; failureThreshold: number };
        const budgetMs = probe.periodSeconds * probe.failureThreshold * 1000;
        const set = envOf(container).get('DATABASE_STARTUP_TIMEOUT')?.value;
        const waitMs = Number(set ?? variable?.default);
        expect(set).toBeUndefined();
        expect(waitMs).toBeGreaterThan(0);
        // The rest of the budget is for migrations and the first registration.
        expect({ app, budgetMs, waitMs, spareEnough: budgetMs - waitMs >= 20_000 }).toEqual({
          app,
          budgetMs,
          waitMs,
          spareEnough: true,
        });
      }
    });

    it('holds each app until its sidecar runs, inside the mesh only', () => {
      const meshed = dir === 'k8s/istio';
      for (const deployment of appDeployments(objects())) {
        const template = (deployment.spec as { template: { metadata: { annotations?: Record<string, string> } } })
          .template;
        const config = template.metadata.annotations?.['proxy.istio.io/config'];
        expect({ deployment: deployment.metadata.name, hold: config ? JSON.parse(config) : undefined }).toEqual({
          deployment: deployment.metadata.name,
          hold: meshed ? { holdApplicationUntilProxyStarts: true } : undefined,
        });
      }
    });

    it(`uses no field that Kubernetes ${MINIMUM_KUBERNETES} drops or refuses`, () => {
      expect(
        objects().flatMap((object) => fieldsNewerThan(object).map((use) => `${objectId(object)}: ${use.at}`)),
      ).toEqual([]);
    });

    it('leaves the replica count of an autoscaled Deployment to its autoscaler', () => {
      for (const hpa of ofKind(objects(), 'HorizontalPodAutoscaler')) {
        const target = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
        const spec = named(objects(), target.kind, target.name).spec as { replicas?: number };
        expect({ deployment: target.name, replicas: spec.replicas }).toEqual({
          deployment: target.name,
          replicas: undefined,
        });
      }
      const autoscaled = ofKind(objects(), 'HorizontalPodAutoscaler').map(
        (hpa) => (hpa.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
      );
      expect(
        appDeployments(objects())
          .filter((d) => !autoscaled.includes(d.metadata.name))
          .map((d) => d.metadata.name),
      ).toEqual(['product-service-v2']);
    });

    it('runs the canary track only inside the mesh, and MESH_MODE only there', () => {
      const meshed = dir === 'k8s/istio';
      const canary = named(objects(), 'Deployment', 'product-service-v2');
      expect((canary.spec as { replicas: number }).replicas).toBe(meshed ? 1 : 0);
      for (const deployment of appDeployments(objects())) {
        expect(envOf(appContainer(deployment)).get('MESH_MODE')?.value).toBe(meshed ? 'true' : undefined);
      }
    });
  });

  describe(`the prod overlay, on Kubernetes ${MINIMUM_KUBERNETES} or newer`, () => {
    const objects = () => renders.rendered('k8s/overlays/prod');

    it('says which Kubernetes it needs, as README does', () => {
      const minimum = `Kubernetes ${MINIMUM_KUBERNETES} or newer`;
      expect(readFileSync(repoPath('k8s', 'overlays', 'prod', 'kustomization.yaml'), 'utf8')).toContain(minimum);
      expect(readFileSync(repoPath('README.md'), 'utf8')).toContain(minimum);
    });

    it('runs three to ten replicas of each app, spread over nodes and zones app by app', () => {
      for (const hpa of ofKind(objects(), 'HorizontalPodAutoscaler')) {
        expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
      }
      for (const deployment of appDeployments(objects())) {
        const { spec } = podTemplate(deployment) as unknown as {
          spec: { topologySpreadConstraints: { topologyKey: string; matchLabelKeys?: string[] }[] };
        };
        expect(spec.topologySpreadConstraints.map((c) => [c.topologyKey, c.matchLabelKeys])).toEqual([
          ['kubernetes.io/hostname', ['app']],
          ['topology.kubernetes.io/zone', ['app']],
        ]);
      }
    });
  });

  describe('NetworkPolicies allow the flow of a request and nothing else', () => {
    type Policy = {
      podSelector: { matchLabels?: Record<string, string> };
      policyTypes: string[];
      ingress?: {
        from?: { podSelector?: { matchLabels?: Record<string, string> } }[];
        ports?: { port: string | number }[];
      }[];
      egress?: {
        to?: { podSelector?: { matchLabels?: Record<string, string> } }[];
        ports?: { port: string | number }[];
      }[];
    };
    const objects = () => renders.rendered('k8s/overlays/prod');
    const policies = () => ofKind(objects(), 'NetworkPolicy').map((policy) => policy.spec as Policy);
    const pod = (app: string) => {
      const found = workloads(objects()).find((w) => w.labels.app === app);
      if (!found) throw new Error(`no pods of ${app}`);
      return found;
    };
    const portMatches = (target: ReturnType<typeof pod>, port: string | number) =>
      target.spec.containers.some((c) => (c.ports ?? []).some((p) => p.name === port || p.containerPort === port));

    /** Whether some policy lets `from` send to `to` on the named port, and some policy lets `to` receive it. */
    function allowed(from: string, to: string, port: string): boolean {
      const source = pod(from);
      const target = pod(to);
      const applies = (p: Policy, who: typeof source, type: string) =>
        p.policyTypes.includes(type) && matchesLabels(who.labels, p.podSelector.matchLabels);
      const peerOk = (
        peers: { podSelector?: { matchLabels?: Record<string, string> } }[] | undefined,
        who: typeof source,
      ) =>
        peers === undefined ||
        peers.some((peer) => peer.podSelector !== undefined && matchesLabels(who.labels, peer.podSelector.matchLabels));
      const portOk = (ports: { port: string | number }[] | undefined) =>
        ports === undefined || ports.some((p) => p.port === port && portMatches(target, p.port));
      const egress = policies().some(
        (p) =>
          applies(p, source, 'Egress') &&
          (p.egress ?? []).some((rule) => peerOk(rule.to, target) && portOk(rule.ports)),
      );
      const ingress = policies().some(
        (p) =>
          applies(p, target, 'Ingress') &&
          (p.ingress ?? []).some((rule) => peerOk(rule.from, source) && portOk(rule.ports)),
      );
      return egress && ingress;
    }

    it.each([
      ['gateway', 'auth-service', 'http'],
      ['gateway', 'product-service', 'http'],
      ['gateway', 'inventory-service', 'http'],
      ['gateway', 'order-service', 'http'],
      ['order-service', 'product-service', 'http'],
      ['order-service', 'inventory-service', 'http'],
      ['inventory-service', 'product-service', 'http'],
      ['product-service', 'auth-service', 'http'],
      ['inventory-service', 'auth-service', 'http'],
      ['order-service', 'auth-service', 'http'],
      ['auth-service', 'postgres', 'postgres'],
      ['product-service', 'postgres', 'postgres'],
      ['inventory-service', 'postgres', 'postgres'],
      ['order-service', 'postgres', 'postgres'],
      ['product-service', 'redis', 'redis'],
    ])('%s -> %s (%s) is allowed', (from, to, port) => {
      expect(allowed(from, to, port)).toBe(true);
    });

    it.each([
      ['gateway', 'postgres', 'postgres'],
      ['order-service', 'redis', 'redis'],
      ['product-service', 'order-service', 'http'],
      ['auth-service', 'product-service', 'http'],
    ])('%s -> %s (%s) is denied', (from, to, port) => {
      expect(allowed(from, to, port)).toBe(false);
    });

    it('denies everything not listed, in both directions', () => {
      expect(policies()).toContainEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });
  });

  describe('Istio resources against the services', () => {
    const objects = () => renders.rendered('k8s/istio');
    const namespace = 'discovery-lab';

    it('routes only to Services and subsets that exist, and every subset selects pods', () => {
      const rules = ofKind(objects(), 'DestinationRule').map(
        (rule) => rule.spec as { host: string; subsets: { name: string; labels: Record<string, string> }[] },
      );
      for (const rule of rules) {
        const service = named(objects(), 'Service', rule.host);
        const selector = (service.spec as { selector: Record<string, string> }).selector;
        for (const subset of rule.subsets) {
          expect(workloads(objects()).some((w) => matchesLabels(w.labels, { ...selector, ...subset.labels }))).toBe(
            true,
          );
        }
      }
      for (const virtualService of ofKind(objects(), 'VirtualService')) {
        const routes = (
          virtualService.spec as { http: { route: { destination: { host: string; subset?: string } }[] }[] }
        ).http;
        for (const { destination } of routes.flatMap((route) => route.route)) {
          named(objects(), 'Service', destination.host);
          if (destination.subset) {
            const rule = rules.find((r) => r.host === destination.host);
            expect(rule?.subsets.map((s) => s.name)).toContain(destination.subset);
          }
        }
      }
    });

    it("is the seed's canary: header canary: true -> v2, otherwise 90/10", () => {
      const http = (
        named(objects(), 'VirtualService', 'product-service').spec as {
          http: {
            match?: { headers: Record<string, { exact: string }> }[];
            route: { destination: { subset: string }; weight: number }[];
          }[];
        }
      ).http;
      expect(http[0].match).toEqual([{ headers: { canary: { exact: 'true' } } }]);
      expect(http[0].route.map((r) => [r.destination.subset, r.weight])).toEqual([['v2', 100]]);
      expect(http[1].match).toBeUndefined();
      expect(http[1].route.map((r) => [r.destination.subset, r.weight])).toEqual([
        ['v1', 90],
        ['v2', 10],
      ]);
    });

    it('authorises only service accounts that exist, and selects existing pods', () => {
      const accounts = new Set(ofKind(objects(), 'ServiceAccount').map((account) => account.metadata.name));
      for (const policy of ofKind(objects(), 'AuthorizationPolicy')) {
        const spec = policy.spec as { selector?: { matchLabels: Record<string, string> }; rules?: unknown[] };
        if (spec.selector)
          expect(workloads(objects()).some((w) => matchesLabels(w.labels, spec.selector?.matchLabels))).toBe(true);
        const principals = JSON.stringify(spec.rules ?? []).match(/cluster\.local\/ns\/[^"]+/g) ?? [];
        for (const principal of principals) {
          const [, ns, , account] = principal.replace('cluster.local/', '').split('/');
          if (ns === 'istio-system') continue;
          expect({ principal, namespace: ns, exists: accounts.has(account) }).toEqual({
            principal,
            namespace,
            exists: true,
          });
        }
      }
    });

    it('only order-service may POST reservations to inventory-service', () => {
      const deny = named(objects(), 'AuthorizationPolicy', 'inventory-reservations-only-from-orders').spec;
      expect(deny).toMatchObject({
        action: 'DENY',
        rules: [
          {
            from: [{ source: { notPrincipals: [`cluster.local/ns/${namespace}/sa/order-service`] } }],
            to: [{ operation: { methods: ['POST'], paths: ['/reservations', '/reservations/*'] } }],
          },
        ],
      });
    });

    it("validates tokens against auth-service's JWKS with the issuer and audience the services expect", () => {
      const auth = description('auth-service');
      const defaultOf = (name: string) => auth.variables.find((variable) => variable.name === name)?.default;
      const [rule] = (
        named(objects(), 'RequestAuthentication', 'gateway').spec as { jwtRules: Record<string, unknown>[] }
      ).jwtRules;
      const service = named(objects(), 'Service', 'auth-service').spec as { ports: { port: number }[] };
      const port = service.ports[0].port === 80 ? '' : `:${service.ports[0].port}`;
      expect(rule).toEqual({
        issuer: defaultOf('JWT_ISSUER'),
        audiences: [defaultOf('JWT_AUDIENCE')],
        jwksUri: `http://auth-service.${namespace}.svc.cluster.local${port}/.well-known/jwks.json`,
        forwardOriginalToken: true,
      });
    });

    it("keeps mTLS strict, opening only auth-service's own port for istiod's JWKS fetch", () => {
      const strict = named(objects(), 'PeerAuthentication', 'default').spec;
      expect(strict).toEqual({ mtls: { mode: 'STRICT' } });
      const exception = named(objects(), 'PeerAuthentication', 'auth-service').spec as {
        portLevelMtls: Record<string, unknown>;
      };
      expect(Object.keys(exception.portLevelMtls)).toEqual([String(description('auth-service').defaultPort)]);
    });
  });
});
