/**
 * A small kustomize-equivalent for the offline checks (no kustomize binary or
 * cluster on CI machines): renders k8s/base and the overlays as
 * `kubectl kustomize` would, for the subset of the Kustomization API they use.
 *
 * Supported: `resources` (files, or directories holding a kustomization.yaml),
 * `patches` (strategic merge, from `path` or inline `patch`, with an optional
 * `target` of kind / name / labelSelector), `images` (newName / newTag) and
 * `namespace`. Anything else in a kustomization.yaml is an error, so an
 * overlay cannot silently use a feature this renderer would ignore.
 *
 * Strategic merge follows Kubernetes' patchMergeKey for the lists the
 * manifests patch (containers, env, volumes, … by name; volumeMounts by
 * mountPath); every other list is replaced, as a strategic merge patch does
 * for lists without a merge key. `$patch` directives are rejected.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface PatchTarget {
  kind?: string;
  name?: string;
  labelSelector?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  patches?: Array<{ path?: string; patch?: string; target?: PatchTarget }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'images']);
const SUPPORTED_TARGET_FIELDS = new Set(['kind', 'name', 'labelSelector']);

/** Lists merged item by item on this key (Kubernetes' patchMergeKey); others are replaced. */
export const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
};

/** Cluster-scoped kinds, which `namespace:` leaves alone. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

/** Parses a YAML stream into its non-empty documents; a syntax error names the file. */
export function readYamlDocuments(file: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: unknown[] = [];
  for (const document of documents) {
    if (document.errors.length) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** `kind/name` of an object, the identity patches and duplicates are judged by. */
export function idOf(object: { kind: string; metadata: { name: string } }): string {
  return `${object.kind}/${object.metadata.name}`;
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strategic merge of `patch` into `base` (both plain JSON), returning a new value. */
export function strategicMerge(base: Json, patch: Json, field = ''): Json {
  if (isObject(patch) && '$patch' in patch) throw new Error(`strategic merge: $patch directives are not supported (at ${field || 'root'})`);
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(base)) return structuredClone(patch);
    const merged = base.map((item) => structuredClone(item));
    for (const item of patch) {
      if (!isObject(item) || typeof item[key] !== 'string') throw new Error(`strategic merge: every item of ${field} needs its merge key ${key}`);
      const index = merged.findIndex((candidate) => isObject(candidate) && candidate[key] === item[key]);
      if (index === -1) merged.push(structuredClone(item));
      else merged[index] = strategicMerge(merged[index], item, field);
    }
    return merged;
  }
  if (isObject(patch)) {
    const out: Record<string, Json> = isObject(base) ? { ...base } : {};
    for (const [name, value] of Object.entries(patch)) {
      if (value === null) delete out[name];
      else out[name] = strategicMerge(out[name] ?? null, value, name);
    }
    return out;
  }
  return patch;
}

function matchesTarget(object: K8sObject, target: PatchTarget): boolean {
  for (const field of Object.keys(target)) {
    if (!SUPPORTED_TARGET_FIELDS.has(field)) throw new Error(`patch target: unsupported field ${field}`);
  }
  if (target.kind && object.kind !== target.kind) return false;
  // kustomize anchors the name as a regular expression.
  if (target.name && !new RegExp(`^(?:${target.name})$`).test(object.metadata.name)) return false;
  if (target.labelSelector) {
    for (const term of target.labelSelector.split(',')) {
      const [key, value] = term.split('=').map((part) => part.trim());
      if (value === undefined) throw new Error(`patch target: only key=value label selectors are supported, got ${term}`);
      if (object.metadata.labels?.[key] !== value) return false;
    }
  }
  return true;
}

function applyImages(value: Json, images: NonNullable<Kustomization['images']>): Json {
  if (Array.isArray(value)) return value.map((item) => applyImages(item, images));
  if (!isObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'image' && typeof item === 'string' && (isObject(value) && 'name' in value)) {
      const at = item.lastIndexOf(':');
      const [name, tag] = at > item.lastIndexOf('/') ? [item.slice(0, at), item.slice(at + 1)] : [item, undefined];
      const rule = images.find((image) => image.name === name);
      out[key] = rule ? `${rule.newName ?? name}${rule.newTag ?? tag ? `:${rule.newTag ?? tag}` : ''}` : item;
    } else {
      out[key] = applyImages(item, images);
    }
  }
  return out;
}

/**
 * Renders the kustomization in `dir` into its list of objects, in resource order.
 *
 * @throws {Error} on an unsupported field, a duplicate object, a patch that matches nothing
 */
export function render(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const [kustomization] = readYamlDocuments(file) as Kustomization[];
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${file}: field ${field} is not supported by tools/deploy/render.ts`);
  }
  if (kustomization.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || kustomization.kind !== 'Kustomization') {
    throw new Error(`${file}: expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization`);
  }
  let objects: K8sObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(dir, resource);
    if (!existsSync(path)) throw new Error(`${file}: resource ${resource} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? render(path) : (readYamlDocuments(path) as K8sObject[])));
  }
  const seen = new Set<string>();
  for (const object of objects) {
    if (!object?.kind || !object.metadata?.name) throw new Error(`${file}: an object without kind or metadata.name`);
    if (seen.has(idOf(object))) throw new Error(`${file}: ${idOf(object)} is defined twice`);
    seen.add(idOf(object));
  }
  for (const [index, entry] of (kustomization.patches ?? []).entries()) {
    const source = entry.path ? join(dir, entry.path) : `${file} patches[${index}]`;
    const documents = entry.path
      ? readYamlDocuments(join(dir, entry.path))
      : parseAllDocuments(entry.patch ?? '').map((document) => document.toJS());
    if (documents.length !== 1 || !isObject(documents[0])) throw new Error(`${source}: a patch must be one strategic merge object (JSON 6902 lists are not supported)`);
    const patch = documents[0] as unknown as K8sObject;
    const target: PatchTarget = entry.target ?? { kind: patch.kind, name: patch.metadata?.name };
    const matched = objects.filter((object) => matchesTarget(object, target));
    if (matched.length === 0) throw new Error(`${source}: the patch matches no object (${JSON.stringify(target)})`);
    objects = objects.map((object) => {
      if (!matched.includes(object)) return object;
      // The patch's own apiVersion/kind/name only locate the target (as in kustomize with `target`).
      const { apiVersion: _apiVersion, kind: _kind, metadata, ...body } = patch;
      const { name: _name, ...metadataPatch } = (metadata ?? {}) as Record<string, Json>;
      return strategicMerge(object as unknown as Json, { ...body, metadata: metadataPatch } as unknown as Json) as unknown as K8sObject;
    });
  }
  if (kustomization.images) objects = objects.map((object) => applyImages(object as unknown as Json, kustomization.images!) as unknown as K8sObject);
  if (kustomization.namespace) {
    objects = objects.map((object) =>
      CLUSTER_SCOPED.has(object.kind) ? object : { ...object, metadata: { ...object.metadata, namespace: kustomization.namespace } },
    );
  }
  return objects;
}

/** The object `kind/name` of a rendering, or an error naming what is missing. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not in the rendering`);
  return found;
}

/** Resolves the project root from this file (tools/deploy/render.ts). */
export const repoRoot = resolve(dirname(__filename), '..', '..');
