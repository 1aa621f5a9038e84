import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readYamlDocuments, parseYamlDocuments } from '../yaml-documents';
import { kustomizeNameHash } from './name-hash';
import { isObject, strategicMerge, type JsonObject, type JsonValue } from './strategic-merge';

/**
 * A small kustomize for the kustomizations of this repository, used when `kubectl kustomize` is not
 * installed: resources (files and folders), components, namespace, labels, images, strategic-merge
 * patches with targets, and ConfigMap/Secret generators with kustomize's hash suffix and name
 * references. Anything else in a kustomization is refused rather than ignored, so the render is
 * either right or fails. Tests compare it with `kubectl kustomize` where that exists.
 */
export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string; labels?: Record<string, string> };
}

export class KustomizeError extends Error {
  readonly code = 'KUSTOMIZE';
}

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'namespace',
  'labels',
  'images',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
]);
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

interface Generator {
  name: string;
  files?: string[];
  literals?: string[];
  type?: string;
  options?: { disableNameSuffixHash?: boolean };
}

interface Kustomization {
  kind?: string;
  resources?: string[];
  components?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { path?: string; patch?: string; target?: PatchTarget }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

interface PatchTarget {
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
}

/** Generated objects remember the name their generator gave them, for references to be fixed. */
const generatedNames = new WeakMap<KubeObject, string>();

export function renderKustomization(dir: string): KubeObject[] {
  const objects = build(path.resolve(dir), 'Kustomization');
  return objects.map((object) => structuredClone(object));
}

function readKustomization(dir: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((name) => path.join(dir, name))
    .find(existsSync);
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const [document] = readYamlDocuments(file);
  if (!isObject(document)) throw new KustomizeError(`${file}: not a mapping`);
  const unsupported = Object.keys(document).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (unsupported.length > 0) throw new KustomizeError(`${file}: unsupported fields ${unsupported.join(', ')}`);
  return document as Kustomization;
}

function build(dir: string, expectedKind: 'Kustomization' | 'Component', objects: KubeObject[] = []): KubeObject[] {
  const k = readKustomization(dir);
  if ((k.kind ?? 'Kustomization') !== expectedKind)
    throw new KustomizeError(`${dir}: expected a ${expectedKind}, found ${k.kind}`);
  for (const entry of k.resources ?? []) objects.push(...loadResource(dir, entry));
  for (const component of k.components ?? []) build(path.resolve(dir, component), 'Component', objects);
  objects.push(...generate(dir, k));
  for (const patch of k.patches ?? []) applyPatch(dir, patch, objects);
  if (k.namespace)
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = k.namespace;
  for (const label of k.labels ?? []) applyLabels(label, objects);
  for (const image of k.images ?? []) for (const object of objects) applyImage(image, object);
  fixNameReferences(objects);
  return objects;
}

function loadResource(dir: string, entry: string): KubeObject[] {
  const target = path.resolve(dir, entry);
  if (!existsSync(target)) throw new KustomizeError(`${dir}: resource ${entry} does not exist`);
  if (statSync(target).isDirectory()) return build(target, 'Kustomization');
  // Like kustomize, plain files must lie inside the kustomization's folder.
  if (path.relative(dir, target).startsWith('..'))
    throw new KustomizeError(`${dir}: file ${entry} is outside the kustomization root`);
  return readYamlDocuments(target).map((document) => asKubeObject(document, target));
}

function asKubeObject(document: unknown, source: string): KubeObject {
  if (
    !isObject(document) ||
    typeof document.kind !== 'string' ||
    typeof document.apiVersion !== 'string' ||
    !isObject(document.metadata)
  ) {
    throw new KustomizeError(`${source}: a document without apiVersion, kind or metadata`);
  }
  return document as KubeObject;
}

function generate(dir: string, k: Kustomization): KubeObject[] {
  const generated: KubeObject[] = [];
  const make = (generator: Generator, kind: 'ConfigMap' | 'Secret'): void => {
    const data: Record<string, string> = {};
    for (const literal of generator.literals ?? []) {
      const at = literal.indexOf('=');
      data[literal.slice(0, at)] = literal.slice(at + 1);
    }
    for (const spec of generator.files ?? []) {
      const at = spec.indexOf('=');
      const key = at < 0 ? path.basename(spec) : spec.slice(0, at);
      const file = path.resolve(dir, at < 0 ? spec : spec.slice(at + 1));
      if (path.relative(dir, file).startsWith('..'))
        throw new KustomizeError(`${dir}: file ${spec} is outside the kustomization root`);
      if (!existsSync(file)) throw new KustomizeError(`${dir}: ${kind} ${generator.name}: file ${spec} does not exist`);
      data[key] = readFileSync(file, 'utf8');
    }
    if (kind === 'Secret') for (const key of Object.keys(data)) data[key] = wrappedBase64(data[key]);
    const type = generator.type ?? 'Opaque';
    const hashed = !(generator.options?.disableNameSuffixHash ?? k.generatorOptions?.disableNameSuffixHash ?? false);
    const name = hashed ? `${generator.name}-${kustomizeNameHash({ kind, type, data })}` : generator.name;
    const object: KubeObject = { apiVersion: 'v1', kind, metadata: { name } };
    if (kind === 'Secret') object.type = type;
    if (Object.keys(data).length > 0) object.data = data;
    generatedNames.set(object, generator.name);
    generated.push(object);
  };
  for (const generator of k.configMapGenerator ?? []) make(generator, 'ConfigMap');
  for (const generator of k.secretGenerator ?? []) make(generator, 'Secret');
  return generated;
}

/** Base64 as kustomize writes Secret data: lines of 70 characters, each ending in \n once there are two. */
function wrappedBase64(text: string): string {
  const encoded = Buffer.from(text).toString('base64');
  const lineLength = 70;
  if (Math.floor(encoded.length / lineLength) + 1 === 1) return encoded;
  let wrapped = '';
  for (let at = 0; at < encoded.length; at += lineLength) wrapped += `${encoded.slice(at, at + lineLength)}\n`;
  return wrapped;
}

function applyPatch(
  dir: string,
  entry: { path?: string; patch?: string; target?: PatchTarget },
  objects: KubeObject[],
): void {
  const text = entry.path ? readFileSync(path.resolve(dir, entry.path), 'utf8') : entry.patch;
  if (!text) throw new KustomizeError(`${dir}: a patch needs path or patch`);
  const documents = parseYamlDocuments(text, entry.path ?? `${dir} (inline patch)`);
  if (documents.length !== 1 || !isObject(documents[0]))
    throw new KustomizeError(`${dir}: only strategic-merge patches of one object are supported`);
  const patch = documents[0];
  const target: PatchTarget = entry.target ?? {
    kind: String(patch.kind),
    name: String((patch.metadata as JsonObject | undefined)?.name),
  };
  // With a target, the patch's own name and kind only serve to parse it.
  const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...body } = patch;
  const selected = objects.filter((object) => matchesTarget(object, target));
  if (selected.length === 0) throw new KustomizeError(`${dir}: patch target ${JSON.stringify(target)} selects nothing`);
  for (const object of selected) {
    const patchMetadata = isObject(patch.metadata) ? { ...patch.metadata, name: object.metadata.name } : undefined;
    const merged = strategicMerge(object, patchMetadata ? { ...body, metadata: patchMetadata } : body) as KubeObject;
    replaceContents(object, merged);
  }
}

/** Replace an object's contents in place, so that identity (and generatedNames) survives. */
function replaceContents(object: KubeObject, next: KubeObject): void {
  for (const key of Object.keys(object)) delete object[key];
  Object.assign(object, next);
}

function matchesTarget(object: KubeObject, target: PatchTarget): boolean {
  if (target.kind && target.kind !== object.kind) return false;
  if (target.name && !new RegExp(`^(?:${target.name})$`).test(object.metadata.name)) return false;
  if (target.namespace && target.namespace !== object.metadata.namespace) return false;
  if (target.labelSelector && !matchesLabelSelector(object.metadata.labels ?? {}, target.labelSelector)) return false;
  return true;
}

/** Equality-based selectors: `a=b,c!=d` (also `a==b`). */
export function matchesLabelSelector(labels: Record<string, string>, selector: string): boolean {
  return selector.split(',').every((term) => {
    const match = /^\s*([^!=\s]+)\s*(!=|==|=)\s*(\S*)\s*$/.exec(term);
    if (!match) throw new KustomizeError(`unsupported label selector term "${term}"`);
    const [, key, operator, value] = match;
    return operator === '!=' ? labels[key] !== value : labels[key] === value;
  });
}

function applyLabels(label: NonNullable<Kustomization['labels']>[number], objects: KubeObject[]): void {
  if (label.includeSelectors) throw new KustomizeError('labels with includeSelectors: true are not supported');
  for (const object of objects) {
    object.metadata.labels = { ...(object.metadata.labels ?? {}), ...label.pairs };
    if (label.includeTemplates && POD_TEMPLATE_KINDS.has(object.kind)) {
      const template = ((object.spec as JsonObject).template ??= {}) as JsonObject;
      const metadata = (template.metadata ??= {}) as JsonObject;
      metadata.labels = { ...((metadata.labels as Record<string, string>) ?? {}), ...label.pairs };
    }
    if (label.includeTemplates && object.kind === 'StatefulSet') {
      for (const claim of ((object.spec as JsonObject).volumeClaimTemplates as JsonObject[] | undefined) ?? []) {
        const metadata = (claim.metadata ??= {}) as JsonObject;
        metadata.labels = { ...((metadata.labels as Record<string, string>) ?? {}), ...label.pairs };
      }
    }
  }
}

function podSpec(object: KubeObject): JsonObject | undefined {
  if (!POD_TEMPLATE_KINDS.has(object.kind)) return undefined;
  const template = (object.spec as JsonObject | undefined)?.template;
  return isObject(template) && isObject(template.spec) ? template.spec : undefined;
}

function containersOf(spec: JsonObject): JsonObject[] {
  return [...((spec.containers as JsonObject[]) ?? []), ...((spec.initContainers as JsonObject[]) ?? [])];
}

function applyImage(image: NonNullable<Kustomization['images']>[number], object: KubeObject): void {
  const spec = podSpec(object);
  if (!spec) return;
  for (const container of containersOf(spec)) {
    const reference = String(container.image);
    const match = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(reference);
    if (!match || match[1] !== image.name) continue;
    const name = image.newName ?? match[1];
    if (image.digest) container.image = `${name}@${image.digest}`;
    else if (image.newTag) container.image = `${name}:${image.newTag}`;
    else container.image = `${name}${match[2] ? `:${match[2]}` : ''}${match[3] ? `@${match[3]}` : ''}`;
  }
}

/** Point references to a generated ConfigMap or Secret at its hashed name. */
function fixNameReferences(objects: KubeObject[]): void {
  const renamed = new Map<string, string>();
  for (const object of objects) {
    const original = generatedNames.get(object);
    if (original && original !== object.metadata.name)
      renamed.set(`${object.kind}/${object.metadata.namespace ?? ''}/${original}`, object.metadata.name);
  }
  if (renamed.size === 0) return;
  for (const object of objects) {
    const spec = podSpec(object);
    if (!spec) continue;
    const namespace = object.metadata.namespace ?? '';
    const rename = (kind: 'ConfigMap' | 'Secret', holder: JsonValue | undefined, field: string): void => {
      if (!isObject(holder) || typeof holder[field] !== 'string') return;
      const next = renamed.get(`${kind}/${namespace}/${holder[field]}`);
      if (next) holder[field] = next;
    };
    for (const volume of (spec.volumes as JsonObject[]) ?? []) {
      rename('ConfigMap', volume.configMap, 'name');
      rename('Secret', volume.secret, 'secretName');
      const sources = (isObject(volume.projected) ? (volume.projected.sources as JsonObject[]) : undefined) ?? [];
      for (const source of sources) {
        rename('ConfigMap', source.configMap, 'name');
        rename('Secret', source.secret, 'name');
      }
    }
    for (const container of containersOf(spec)) {
      for (const env of (container.env as JsonObject[]) ?? []) {
        if (!isObject(env.valueFrom)) continue;
        rename('ConfigMap', env.valueFrom.configMapKeyRef, 'name');
        rename('Secret', env.valueFrom.secretKeyRef, 'name');
      }
      for (const from of (container.envFrom as JsonObject[]) ?? []) {
        rename('ConfigMap', from.configMapRef, 'name');
        rename('Secret', from.secretRef, 'name');
      }
    }
    for (const secret of (spec.imagePullSecrets as JsonObject[]) ?? []) rename('Secret', secret, 'name');
  }
}
