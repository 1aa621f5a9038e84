import type { KubeObject } from '../kube-object';

export interface ObjectProblem {
  object: string;
  message: string;
}

/** `Deployment/product-service` (with the namespace when set): how problems name an object. */
export function objectId(object: KubeObject): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.kind}/${namespace}${object.metadata.name}`;
}

/**
 * The kubernetes-models module of an object's kind: the Kubernetes API for core and built-in groups,
 * @kubernetes-models/istio for Istio's CRDs. Undefined for a group this check does not know.
 */
export function modelModule(apiVersion: string, kind: string): string | undefined {
  if (/\.istio\.io\//.test(apiVersion)) return `@kubernetes-models/istio/${apiVersion}/${kind}`;
  if (!apiVersion.includes('/')) return `kubernetes-models/${apiVersion}/${kind}`;
  if (/^(apps|batch|policy|autoscaling|[a-z.]+\.k8s\.io)\//.test(apiVersion))
    return `kubernetes-models/${apiVersion}/${kind}`;
  return undefined;
}

/**
 * Kustomize wraps long base64 values of Secret data over several lines; the API server's decoder
 * skips the line breaks, while the schema's "byte" format does not, so they are dropped first.
 */
function withUnwrappedSecretData(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || object.data === null || typeof object.data !== 'object') return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, String(value).replace(/\r?\n/g, '')]),
  );
  return { ...object, data };
}

interface ModelClass {
  new (data: object): { validate(): void };
}

interface ValidationFailure {
  message?: string;
  errors?: { instancePath?: string; message?: string }[];
}

/**
 * Problems of one object against the OpenAPI schema of its kind (types, required fields, enums,
 * formats), through the validators kubernetes-models generates. [] when valid.
 */
export async function validateAgainstSchema(object: KubeObject): Promise<ObjectProblem[]> {
  const id = objectId(object);
  const modulePath = modelModule(object.apiVersion, object.kind);
  if (!modulePath) return [{ object: id, message: `no schema known for ${object.apiVersion}` }];
  let Model: ModelClass | undefined;
  try {
    const module = (await import(modulePath)) as Record<string, ModelClass>;
    Model = module[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [{ object: id, message: `no schema for kind ${object.kind} in ${object.apiVersion}` }];
  try {
    new Model(withUnwrappedSecretData(object)).validate();
    return [];
  } catch (error) {
    const failure = error as ValidationFailure;
    const details = failure.errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    return (details?.length ? details : [failure.message ?? String(error)]).map((message) => ({ object: id, message }));
  }
}
