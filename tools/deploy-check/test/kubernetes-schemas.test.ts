import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { objectId, validateAgainstSchema } from '../src/kubernetes/schema-validation';
import { findUnknownFields } from '../src/kubernetes/unknown-fields';
import type { KubeObject } from '../src/kube-object';
import { repoPath } from '../src/repo';
import { parseYamlDocuments, readYamlDocument, readYamlDocuments } from '../src/yaml-documents';
import { describeWithKubectl, KUSTOMIZATIONS, kustomizeRenders, type Renders } from './support/renders';

let renders: Renders;
beforeAll(() => {
  renders = kustomizeRenders();
});
afterAll(() => renders.tree.remove());

/** Every YAML file under k8s/ except the kustomizations themselves. */
function manifestFiles(dir = repoPath('k8s')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'secrets' ? [] : manifestFiles(full);
    return /\.ya?ml$/.test(name) && name !== 'kustomization.yaml' ? [full] : [];
  });
}

/** Files that feed a ConfigMap or Secret generator: data, not manifests. */
function generatorInputs(kustomizationFile: string): string[] {
  type Generator = { files?: string[] };
  const [kustomization] = readYamlDocuments(kustomizationFile) as {
    configMapGenerator?: Generator[];
    secretGenerator?: Generator[];
  }[];
  const generators = [...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])];
  return generators.flatMap((generator) =>
    (generator.files ?? []).map((spec) =>
      path.resolve(path.dirname(kustomizationFile), spec.slice(spec.indexOf('=') + 1)),
    ),
  );
}

/** Files used as patches (partial objects) rather than resources, and the inline patches. */
function patchesOf(kustomizationFile: string): { files: string[]; inline: KubeObject[] } {
  const [kustomization] = readYamlDocuments(kustomizationFile) as { patches?: { path?: string; patch?: string }[] }[];
  const files: string[] = [];
  const inline: KubeObject[] = [];
  for (const patch of kustomization.patches ?? []) {
    if (patch.path) files.push(path.resolve(path.dirname(kustomizationFile), patch.path));
    if (patch.patch) inline.push(...(parseYamlDocuments(patch.patch) as KubeObject[]));
  }
  return { files, inline };
}

function allKustomizationFiles(dir = repoPath('k8s')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return allKustomizationFiles(full);
    return name === 'kustomization.yaml' ? [full] : [];
  });
}

describeWithKubectl('the renders of kubectl kustomize', () => {
  describe.each(KUSTOMIZATIONS)('the render of %s', (dir) => {
    it('matches the schema of every kind it holds (Kubernetes API and Istio CRDs)', async () => {
      const objects = renders.rendered(dir);
      expect(objects.length).toBeGreaterThan(20);
      const problems = (await Promise.all(objects.map(validateAgainstSchema))).flat();
      expect(problems).toEqual([]);
    });

    it('has no field its kind does not define', () => {
      expect(findUnknownFields(renders.rendered(dir))).toEqual([]);
    });

    it('names every object once', () => {
      const ids = renders.rendered(dir).map(objectId);
      expect(ids.length).toBe(new Set(ids).size);
    });
  });
});

describe('the manifest files, one by one', () => {
  const patchFiles = new Set(allKustomizationFiles().flatMap((file) => patchesOf(file).files));
  const dataFiles = new Set(allKustomizationFiles().flatMap(generatorInputs));
  const resourceFiles = manifestFiles().filter((file) => !patchFiles.has(file) && !dataFiles.has(file));

  it.each(resourceFiles.map((file) => [path.relative(repoPath(), file)]))(
    '%s matches its schemas',
    async (relative) => {
      const objects = readYamlDocuments(repoPath(relative)) as KubeObject[];
      expect(objects.length).toBeGreaterThan(0);
      const problems = (await Promise.all(objects.map(validateAgainstSchema))).flat();
      expect([...problems, ...findUnknownFields(objects)]).toEqual([]);
    },
  );

  it('every patch, in a file or inline, names only fields its kind has', () => {
    const patches = [
      ...[...patchFiles].flatMap((file) => readYamlDocuments(file) as KubeObject[]),
      ...allKustomizationFiles().flatMap((file) => patchesOf(file).inline),
    ];
    expect(patches.length).toBeGreaterThan(5);
    expect(findUnknownFields(patches, { partial: true })).toEqual([]);
  });
});

describeWithKubectl('the checks themselves', () => {
  const deployment = (): KubeObject =>
    structuredClone(renders.rendered('k8s/base').find((o) => o.kind === 'Deployment') as KubeObject);
  const container = (object: KubeObject) =>
    (object.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0];

  it('a value of the wrong type fails the schema', async () => {
    const broken = deployment();
    (broken.spec as Record<string, unknown>).replicas = 'two';
    expect(await validateAgainstSchema(broken)).toEqual([
      expect.objectContaining({ message: '/spec/replicas must be integer' }),
    ]);
  });

  it('a misspelt field is found', () => {
    const broken = deployment();
    container(broken).livenesProbe = container(broken).livenessProbe;
    expect(findUnknownFields([broken])).toEqual([
      expect.objectContaining({ message: expect.stringContaining('\'"livenesProbe"\'') }),
    ]);
  });

  it('a misspelt field of an Istio resource is found', () => {
    const virtualService = structuredClone(
      renders.rendered('k8s/istio').find((o) => o.kind === 'VirtualService') as KubeObject,
    );
    const route = (virtualService.spec as { http: Record<string, unknown>[] }).http[0];
    route.timout = route.timeout;
    expect(findUnknownFields([virtualService])).toEqual([
      expect.objectContaining({ message: expect.stringContaining('timout') }),
    ]);
  });

  it('a partial object passes as a patch but not as a resource', () => {
    const patch = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'p' },
      spec: { replicas: 1 },
    } as KubeObject;
    expect(findUnknownFields([patch], { partial: true })).toEqual([]);
    expect(findUnknownFields([patch])).not.toEqual([]);
  });
});

describeWithKubectl('the fault-injection lab', () => {
  const file = repoPath('k8s/istio/labs/fault-injection.yaml');

  it('is in no kustomization, so `kubectl apply -k` never injects faults', () => {
    for (const kustomization of allKustomizationFiles()) {
      expect(readFileSync(kustomization, 'utf8')).not.toContain('fault-injection');
    }
  });

  type Route = {
    name: string;
    match?: { uri?: Record<string, string>; method?: Record<string, string> }[];
    fault?: { delay?: { fixedDelay: string }; abort?: unknown };
    timeout?: string;
    retries?: unknown;
  };
  const routesOf = (object: KubeObject) => (object.spec as { http: Route[] }).http;
  const lab = () => (readYamlDocuments(file) as KubeObject[])[0];
  const mesh = () =>
    renders
      .rendered('k8s/istio')
      .find((o) => o.kind === lab().kind && o.metadata.name === lab().metadata.name) as KubeObject;

  it('replaces the mesh VirtualService of the same service, adding a delay and an abort', () => {
    expect(mesh()).toBeDefined();
    expect(lab().metadata.namespace).toBe(mesh().metadata.namespace);
    const faults = routesOf(lab()).map((route) => route.fault);
    expect(faults.some((fault) => fault?.delay)).toBe(true);
    expect(faults.some((fault) => fault?.abort)).toBe(true);
    expect((lab().spec as { hosts: string[] }).hosts).toEqual((mesh().spec as { hosts: string[] }).hosts);
  });

  it('sets no timeout or retries on a route with a fault, since Istio turns them off there', () => {
    const virtualServices = [lab(), ...renders.rendered('k8s/istio').filter((o) => o.kind === 'VirtualService')];
    for (const route of virtualServices.flatMap(routesOf).filter((r) => r.fault)) {
      expect({ route: route.name, timeout: route.timeout, retries: route.retries }).toEqual({
        route: route.name,
        timeout: undefined,
        retries: undefined,
      });
    }
  });

  it("delays reservations past order-service's own timeout, as README and the lab say", () => {
    const reserve = routesOf(lab()).find((route) => route.fault?.delay) as Route;
    expect(reserve.match).toEqual([{ uri: { exact: '/reservations' }, method: { exact: 'POST' } }]);
    const delayMs = Number(/^(\d+)s$/.exec(String(reserve.fault?.delay?.fixedDelay))?.[1]) * 1000;
    const settings = readYamlDocument(repoPath('config', 'order-service', 'default.yaml')) as {
      resilience: { 'inventory-service': { timeoutMs: number } };
    };
    const timeoutMs = settings.resilience['inventory-service'].timeoutMs;
    expect(delayMs).toBeGreaterThan(timeoutMs);
    const said = `${timeoutMs / 1000}s`;
    expect(readFileSync(file, 'utf8')).toContain(`gives up after ${said}`);
    expect(readFileSync(repoPath('README.md'), 'utf8')).toContain(`own ${said} timeout`);
    // Confirm and release keep the mesh's route: only the reservation itself is delayed.
    const settle = routesOf(lab()).find((route) => route.name === 'reservations');
    const meshReservations = routesOf(mesh()).find((route) => route.name === 'reservations');
    expect(settle).toEqual(meshReservations);
  });
});
