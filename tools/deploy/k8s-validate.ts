/**
 * Offline validation of rendered Kubernetes objects against the Kubernetes
 * OpenAPI schemas packaged by `kubernetes-models`:
 *
 * 1. `validate()` of the model class for the object's apiVersion/kind (types,
 *    required fields, enums, formats);
 * 2. an unknown-field check, which `validate()` does not do (the schemas allow
 *    additional properties): every field of the object is looked up in the
 *    model's TypeScript interface (generated from the same OpenAPI schema) with
 *    the TypeScript checker, so a misspelt or misplaced field
 *    (`readinessprobe`, `securityContext.runAsNonroot`, a probe at pod level)
 *    is an error, as it is for `kubectl apply --validate=strict`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { idOf, repoRoot, type K8sObject } from './render';

const requireFromRoot = createRequire(join(repoRoot, 'package.json'));

/** `kubernetes-models` module path of an apiVersion + kind, e.g. apps/v1 Deployment → apps/v1/Deployment. */
export function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion.includes('/') ? apiVersion : `v1`}/${kind}`;
}

/** Runs the model's own schema validation; returns the error messages (none when valid). */
export function validateWithModel(object: K8sObject): string[] {
  let module: Record<string, new (data: unknown) => { validate(): void }>;
  try {
    module = requireFromRoot(modelPath(object.apiVersion, object.kind));
  } catch {
    return [`${idOf(object)}: no kubernetes-models schema for ${object.apiVersion} ${object.kind}`];
  }
  const Model = module[object.kind];
  try {
    new Model(structuredClone(object)).validate();
    return [];
  } catch (error) {
    return [`${idOf(object)}: ${(error as Error).message}`];
  }
}

/** Resolves the TypeScript interfaces of kubernetes-models once per set of kinds. */
export class UnknownFieldChecker {
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  constructor(kinds: Array<{ apiVersion: string; kind: string }>) {
    const unique = [...new Map(kinds.map((k) => [`${k.apiVersion} ${k.kind}`, k])).values()];
    const entry = join(repoRoot, 'tools/deploy/__k8s-types__.ts');
    const source = unique.map(({ apiVersion, kind }, i) => `import type { I${kind} as T${i} } from '${modelPath(apiVersion, kind)}';\nexport type R${i} = T${i};`).join('\n');
    const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, types: [] };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, language, ...rest) => (name === entry ? ts.createSourceFile(name, source, language) : getSourceFile.call(host, name, language, ...rest));
    host.fileExists = (name) => name === entry || fileExists.call(host, name);
    host.readFile = (name) => (name === entry ? source : readFile.call(host, name));
    const program = ts.createProgram([entry], options, host);
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === entry);
    if (errors.length) throw new Error(`kubernetes-models types: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`);
    this.checker = program.getTypeChecker();
    const file = program.getSourceFile(entry)!;
    const exports = this.checker.getExportsOfModule(this.checker.getSymbolAtLocation(file)!);
    unique.forEach(({ apiVersion, kind }, i) => {
      const alias = exports.find((symbol) => symbol.name === `R${i}`)!;
      this.roots.set(`${apiVersion} ${kind}`, this.checker.getDeclaredTypeOfSymbol(alias));
    });
  }

  /** Paths of fields that the object's schema does not define. */
  unknownFields(object: K8sObject): string[] {
    const root = this.roots.get(`${object.apiVersion} ${object.kind}`);
    if (!root) return [`${idOf(object)}: kind not loaded`];
    const out: string[] = [];
    this.walk(object, root, '', out);
    return out.map((path) => `${idOf(object)}: unknown field ${path}`);
  }

  private walk(value: unknown, type: ts.Type, path: string, out: string[]): void {
    if (value === null || value === undefined) return;
    type = this.checker.getNonNullableType(type);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (type.isUnion()) {
      // e.g. IntOrString; an object value takes the union's one object member.
      if (typeof value !== 'object') return;
      const objects = type.types.filter((member) => member.flags & ts.TypeFlags.Object);
      if (objects.length !== 1) return;
      type = objects[0];
    }
    if (Array.isArray(value)) {
      const element = this.checker.getIndexTypeOfType(type, ts.IndexKind.Number);
      if (!element) return out.push(`${path} (a list where the schema has none)`) as unknown as void;
      value.forEach((item, i) => this.walk(item, element, `${path}[${i}]`, out));
      return;
    }
    if (typeof value !== 'object') return;
    const index = this.checker.getIndexTypeOfType(type, ts.IndexKind.String);
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const property = type.getProperty(key);
      const childPath = path ? `${path}.${key}` : key;
      if (property) this.walk(child, this.checker.getTypeOfSymbol(property), childPath, out);
      else if (index) this.walk(child, index, childPath, out);
      else out.push(childPath);
    }
  }
}
