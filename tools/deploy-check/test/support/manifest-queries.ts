import type { KubeObject } from '../../src/kube-object';

export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}
export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}
export interface PodSpec {
  serviceAccountName?: string;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

export function podTemplate(object: KubeObject): { labels: Record<string, string>; spec: PodSpec } {
  const template = (
    object.spec as unknown as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } }
  ).template;
  return { labels: template.metadata.labels, spec: template.spec };
}

/** The Deployments of the apps (labelled app.kubernetes.io/component: app), canary track included. */
export function appDeployments(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter(
    (object) => object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/component'] === 'app',
  );
}

/** Pods of every workload, by name: what NetworkPolicies and Istio selectors pick from. */
export function workloads(
  objects: readonly KubeObject[],
): { name: string; labels: Record<string, string>; spec: PodSpec }[] {
  return objects
    .filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet')
    .map((object) => ({ name: object.metadata.name, ...podTemplate(object) }));
}

export function matchesLabels(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}
