/**
 * Deployment artefacts, checked offline (no container engine, no cluster):
 *
 * - docker/Dockerfile lints clean (dockerfile-utils), copies only paths that
 *   exist and that .dockerignore lets through, installs every workspace, and
 *   every app it is asked to run has an entry produced by tools/build.mjs;
 * - k8s/base and both overlays render (tools/deploy/render.ts), and every
 *   object validates against the Kubernetes schemas (kubernetes-models) with
 *   no unknown field;
 * - the environment of each app in the manifests is exactly what its zod
 *   schema reads (gatewayEnvShape, subgraphEnvShape, the migration entry), so
 *   a variable added in code fails here until the manifests set it;
 * - the hardening, probes, drain timing, network policies and rollout order
 *   the README promises hold in every rendering; docker/compose.yaml starts
 *   in health-gated order with only variables the apps read.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validate as lintDockerfile, ValidationSeverity } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { loadConfig, subgraphEnvShape } from '@flywheel/server';
import { gatewayEnvShape } from '../src/config';
// The deploy tooling is plain scripts beside tools/build.mjs, not an Nx project.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { find, render, type K8sObject } from '../../../tools/deploy/render';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { UnknownFieldChecker, validateWithModel } from '../../../tools/deploy/k8s-validate';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// ---------------------------------------------------------------- the apps --

const supergraphConfig = JSON.parse(read('apps/gateway/supergraph.config.json')) as { subgraphs: Array<{ name: string; schema: string; routingUrl: string }> };
/** Subgraphs that run as apps of their own; others (access) are served inside the gateway process. */
const deployedSubgraphs = supergraphConfig.subgraphs.filter((subgraph) => subgraph.schema.startsWith(`apps/${subgraph.name}/`));
const SUBGRAPHS = deployedSubgraphs.map((subgraph) => subgraph.name);
const APPS = ['gateway', ...SUBGRAPHS];
const MIGRATE = 'migrate';

/** Names of process.env variables read directly in a source file. */
function directEnvReads(source: string): string[] {
  return [...source.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)].map((match) => match[1] ?? match[2]);
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !/(\.spec|\.test)\.ts$/.test(file) && !file.split('/').some((part) => ['__generated__', '__fixtures__', 'testing'].includes(part)))
    .map((file) => join(dir, file));
}

/** The variables each deployed process reads, derived from the code. */
function expectedEnv(app: string): string[] {
  if (app === MIGRATE) return [...new Set(directEnvReads(read('libs/data/src/migrate.ts')))].sort();
  if (app === 'gateway') return Object.keys(gatewayEnvShape).sort();
  return Object.keys(subgraphEnvShape).sort();
}

/** `tools/build.mjs`'s entry list, read from the script itself. */
const buildEntryNames = (() => {
  const match = /const entryNames = \[([^\]]*)\]/.exec(read('tools/build.mjs'));
  if (!match) throw new Error('tools/build.mjs: entryNames not found');
  return [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
})();

/** The bundle `docker/entrypoint.sh` runs for an app, and the source and project that produce it. */
function entryOf(app: string): { bundle: string; source: string; project: string } {
  return app === MIGRATE
    ? { bundle: 'dist/libs/data/migrate.js', source: 'libs/data/src/migrate.ts', project: 'libs/data' }
    : { bundle: `dist/apps/${app}/main.js`, source: `apps/${app}/src/main.ts`, project: `apps/${app}` };
}

// --------------------------------------------------------------- Dockerfile --

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Dockerfile instructions with continuation lines joined. */
function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].replace(/^\s*#.*$/, '')}`;
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(line)!;
    out.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: start + 1 });
  }
  return out;
}

/** A .dockerignore matcher (the subset of patterns ours uses: *, **, trailing dirs, `!`). */
function dockerIgnored(path: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const regex = new RegExp(
      `^${pattern
        .split('/')
        .map((part) => (part === '**' ? '(?:.*)' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?')}(?:/.*)?$`,
    );
    if (regex.test(path)) ignored = !negate;
  }
  return ignored;
}

describe('docker/Dockerfile', () => {
  const text = read('docker/Dockerfile');
  const instructions = dockerInstructions(text);
  const ignore = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('lints without errors (dockerfile-utils)', () => {
    const problems = lintDockerfile(text).filter((d) => d.severity === ValidationSeverity.ERROR);
    expect(problems.map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The linter does catch errors: the same file with a broken instruction fails.
    expect(lintDockerfile(`${text}\nEXPOSE port\nHEALTHCHECK --interval=abc CMD true\n`).some((d) => d.severity === ValidationSeverity.ERROR)).toBe(true);
  });

  it('copies only paths that exist in the repository and pass .dockerignore', () => {
    const copies = instructions.filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args));
    expect(copies.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((part) => !part.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        if (source === '.') continue;
        if (!existsSync(join(root, source))) problems.push(`line ${copy.line}: ${source} does not exist`);
        else if (dockerIgnored(source, ignore)) problems.push(`line ${copy.line}: ${source} is excluded by .dockerignore`);
      }
    }
    expect(problems).toEqual([]);
    // What the build needs is in the context; what it must not see is not.
    for (const needed of ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'tools/build.mjs', 'apps/gateway/src/supergraph.graphql', 'libs/data/src/migrate.ts', 'docker/entrypoint.sh']) {
      expect([needed, dockerIgnored(needed, ignore)]).toEqual([needed, false]);
    }
    for (const excluded of ['node_modules', 'apps/prompt/node_modules/x', 'dist/apps/gateway/main.js', '.data/postgres', '.git/HEAD', '.env', 'apps/gateway/.env']) {
      expect([excluded, dockerIgnored(excluded, ignore)]).toEqual([excluded, true]);
    }
  });

  it('installs with npm ci from the lockfile, with every workspace manifest, then prunes to production dependencies', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((run) => /\bnpm ci\b/.test(run) && !/--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnx run-many -t build\b/.test(run))).toBe(true);
    // npm ci needs each workspace's package.json before the sources are copied.
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces.flatMap((glob) => {
      const dir = glob.replace(/\/\*$/, '');
      return readdirSync(join(root, dir)).filter((name) => existsSync(join(root, dir, name, 'package.json'))).map((name) => `${dir}/${name}/package.json`);
    });
    const copied = instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/));
    expect(workspaces.filter((manifest) => !copied.includes(manifest))).toEqual([]);
    // npm 11 honours package.json allowScripts; the image installs the same npm.
    const npmVersion = /ARG NPM_VERSION=(\S+)/.exec(text)?.[1];
    expect(npmVersion?.split('.')[0]).toBe('11');
  });

  it('runs as a non-root user on a slim Node 20 base, with HEALTHCHECK on /health and STOPSIGNAL SIGTERM', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(3);
    expect(/ARG NODE_VERSION=20\.\d+\.\d+/.test(text)).toBe(true);
    for (const from of froms) expect(from.args).toMatch(/^(node:\$\{NODE_VERSION\}-bookworm-slim|deps) AS /);
    const last = instructions.slice(instructions.lastIndexOf(froms[froms.length - 1]));
    const user = last.find((i) => i.keyword === 'USER')?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(last.find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(last.find((i) => i.keyword === 'HEALTHCHECK')?.args).toMatch(/CMD .*healthcheck\.js/);
    expect(read('docker/healthcheck.js')).toContain("path: '/health'");
    expect(last.find((i) => i.keyword === 'ENTRYPOINT')?.args).toContain('/app/docker/entrypoint.sh');
  });

  it.each([...APPS, MIGRATE])('%s: the entry the image runs is produced by tools/build.mjs and built by the image', (app) => {
    const { bundle, source, project } = entryOf(app);
    const entrypoint = read('docker/entrypoint.sh');
    // The entrypoint maps the app name to the bundle.
    expect(entrypoint).toContain(app === MIGRATE ? `migrate)\n    exec node /app/${bundle}` : '/app/dist/apps/$app/main.js');
    if (app !== MIGRATE) expect(entrypoint).toMatch(new RegExp(`\\b${app}\\b[^)]*\\)`));
    // build.mjs bundles <project>/src/<name>.ts into dist/<project>/<name>.js …
    expect(existsSync(join(root, source))).toBe(true);
    expect(buildEntryNames).toContain(source.split('/').pop());
    expect(bundle).toBe(`dist/${project}/${source.split('/').pop()!.replace(/\.ts$/, '.js')}`);
    // … when Nx runs the project's build target, as the image's build stage does.
    const projectJson = JSON.parse(read(`${project}/project.json`)) as { targets?: { build?: { options?: { command?: string } } } };
    expect(projectJson.targets?.build?.options?.command).toBe(`node tools/build.mjs ${project}`);
  });

  it('the gateway bundle carries the committed supergraph beside main.js (built by the global setup)', () => {
    expect(existsSync(join(root, 'dist/apps/gateway/main.js'))).toBe(true);
    expect(read('dist/apps/gateway/supergraph.graphql')).toBe(read('apps/gateway/src/supergraph.graphql'));
  });
});

// --------------------------------------------------------------- manifests --

const OVERLAYS = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod'];
const rendered = Object.fromEntries(OVERLAYS.map((dir) => [dir, render(join(root, dir))])) as Record<string, K8sObject[]>;

type Container = {
  name: string;
  image: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ prefix?: string; configMapRef?: { name: string }; secretRef?: { name: string } }>;
  [field: string]: unknown;
};
type PodSpec = { containers: Container[]; [field: string]: unknown };
type PodTemplate = { metadata: { labels: Record<string, string> }; spec: PodSpec };

/** The key/value map of a ConfigMap (`data`) or Secret template (`stringData`). */
const valuesOf = (object: K8sObject): Record<string, string> => ({ ...(object.data as Record<string, string> | undefined), ...(object.stringData as Record<string, string> | undefined) });

const podTemplateOf = (object: K8sObject) => (object.spec as { template: PodTemplate }).template;

/** The Flywheel containers of a rendering: the app (the entrypoint's argument) → its workload and container. */
function flywheelContainers(objects: K8sObject[]): Array<{ app: string; workload: K8sObject; container: Container; template: PodTemplate }> {
  return objects
    .filter((object) => ['Deployment', 'Job', 'StatefulSet'].includes(object.kind))
    .flatMap((workload) => podTemplateOf(workload).spec.containers.map((container) => ({ workload, container, template: podTemplateOf(workload) })))
    .filter(({ container }) => /(^|\/)flywheel(:|$)/.test(container.image))
    .map((entry) => ({ ...entry, app: entry.container.args?.[0] ?? '' }));
}

/** Every variable name a container gets, with where it comes from, resolving envFrom against the rendering. */
function envOf(objects: K8sObject[], container: Container): Map<string, string> {
  const names = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const source = find(objects, kind, ref!.name) as K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> };
    for (const key of Object.keys({ ...source.data, ...source.stringData })) names.set(`${from.prefix ?? ''}${key}`, `${kind}/${ref!.name}`);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    if (ref) {
      const kind = variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const source = find(objects, kind, ref.name) as K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> };
      if (!(ref.key in { ...source.data, ...source.stringData })) throw new Error(`${container.name}: ${variable.name} refers to missing key ${kind}/${ref.name}.${ref.key}`);
    }
    names.set(variable.name, 'env');
  }
  return names;
}

describe.each(OVERLAYS)('%s', (dir) => {
  const objects = rendered[dir];
  const checker = new UnknownFieldChecker(objects);

  it('every object validates against the Kubernetes schema (kubernetes-models) with no unknown field', () => {
    expect(objects.length).toBeGreaterThan(20);
    const problems = objects.flatMap((object) => [...validateWithModel(object), ...checker.unknownFields(object)]);
    expect(problems).toEqual([]);
  });

  it('runs each app once: a Deployment, Service, HPA and PDB per app, and the migration Job', () => {
    const apps = flywheelContainers(objects).map(({ app, workload }) => `${workload.kind}:${app}`).sort();
    expect(apps).toEqual([...APPS.map((app) => `Deployment:${app}`), `Job:${MIGRATE}`].sort());
    for (const app of APPS) {
      for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) expect(find(objects, kind, app).metadata.name).toBe(app);
      const hpa = find(objects, 'HorizontalPodAutoscaler', app).spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: app });
      expect(hpa.minReplicas).toBeLessThanOrEqual(hpa.maxReplicas);
      // The HPA owns the replica count; a fixed spec.replicas would fight it on every apply.
      expect((find(objects, 'Deployment', app).spec as { replicas?: number }).replicas).toBeUndefined();
    }
  });

  it.each([...APPS, MIGRATE])('%s: the environment in the manifests is exactly what the code reads', (app) => {
    const entries = flywheelContainers(objects).filter((entry) => entry.app === app);
    expect(entries).toHaveLength(1);
    const env = envOf(objects, entries[0].container);
    const expected = expectedEnv(app);
    const actual = [...env.keys()].sort();
    expect({ app, readButNeverSet: expected.filter((name) => !env.has(name)), setButNeverRead: actual.filter((name) => !expected.includes(name)) }).toEqual({
      app,
      readButNeverSet: [],
      setButNeverRead: [],
    });
  });

  it.each(APPS)('%s: the values in the manifests pass its zod schema', (app) => {
    const { container } = flywheelContainers(objects).find((entry) => entry.app === app)!;
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      Object.assign(env, valuesOf(find(objects, from.configMapRef ? 'ConfigMap' : 'Secret', ref?.name ?? '')));
    }
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
      env[variable.name] = ref ? valuesOf(find(objects, variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name))[ref.key] : (variable.value ?? '');
    }
    expect(() => loadConfig(app === 'gateway' ? gatewayEnvShape : subgraphEnvShape, env)).not.toThrow();
  });

  it('every ConfigMap and Secret key is read by some app, and every secret value is a CHANGE_ME placeholder', () => {
    const consumed = new Set(flywheelContainers(objects).flatMap(({ container }) => [...envOf(objects, container).entries()].filter(([, from]) => from !== 'env').map(([name, from]) => `${from}.${name}`)));
    for (const { container } of flywheelContainers(objects)) {
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
        if (ref) consumed.add(`${variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret'}/${ref.name}.${ref.key}`);
      }
    }
    const referencedByOthers = new Set(
      objects
        .filter((object) => object.kind === 'StatefulSet')
        .flatMap((object) => podTemplateOf(object).spec.containers.flatMap((c) => (c.envFrom ?? []).map((from) => `Secret/${from.secretRef?.name}`))),
    );
    for (const source of objects.filter((object) => object.kind === 'ConfigMap' || object.kind === 'Secret') as Array<K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> }>) {
      if (source.kind === 'Secret') expect(source.data).toBeUndefined(); // templates use stringData; no base64 blob to hide a real secret in
      const id = `${source.kind}/${source.metadata.name}`;
      if (referencedByOthers.has(id)) continue; // the dev PostgreSQL's own credentials
      for (const key of Object.keys(source.stringData ?? source.data ?? {})) expect(`${id}.${key} ${consumed.has(`${id}.${key}`) ? 'read' : 'unread'}`).toBe(`${id}.${key} read`);
    }
    for (const secret of objects.filter((object) => object.kind === 'Secret') as Array<K8sObject & { stringData: Record<string, string> }>) {
      for (const [key, value] of Object.entries(secret.stringData)) expect(`${secret.metadata.name}.${key}: ${value.includes('CHANGE_ME') ? 'placeholder' : value}`).toBe(`${secret.metadata.name}.${key}: placeholder`);
    }
  });

  it('the gateway finds each subgraph at its Service (the supergraph routing URL), and subgraphs migrate only in the Job', () => {
    const gateway = flywheelContainers(objects).find((entry) => entry.app === 'gateway')!;
    const values = new Map<string, string>();
    for (const from of gateway.container.envFrom ?? []) {
      if (from.configMapRef) Object.entries((find(objects, 'ConfigMap', from.configMapRef.name) as { data?: Record<string, string> }).data ?? {}).forEach(([k, v]) => values.set(k, v));
    }
    for (const { name, routingUrl } of deployedSubgraphs) {
      const variable = `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
      expect(values.get(variable)).toBe(routingUrl);
      const url = new URL(routingUrl);
      const service = find(objects, 'Service', url.hostname).spec as { ports: Array<{ port: number }> };
      expect(service.ports.map((port) => port.port)).toContain(Number(url.port));
      const container = flywheelContainers(objects).find((entry) => entry.app === name)!.container as Container & { ports: Array<{ containerPort: number }> };
      expect(container.ports[0].containerPort).toBe(Number(url.port));
      expect(container.env?.find((variable) => variable.name === 'PORT')?.value).toBe(url.port);
    }
    // Empty = unset: the supergraph from the image, no introspection of subgraphs.
    expect(values.get('FLYWHEEL_SUPERGRAPH_PATH')).toBe('');
    for (const subgraph of SUBGRAPHS) {
      const entry = flywheelContainers(objects).find((e) => e.app === subgraph)!;
      const configValues = (entry.container.envFrom ?? [])
        .filter((from) => from.configMapRef)
        .map((from) => (find(objects, 'ConfigMap', from.configMapRef!.name) as { data?: Record<string, string> }).data ?? {});
      expect(Object.assign({}, ...configValues).FLYWHEEL_MIGRATE_ON_START).toBe('off');
    }
  });

  it.each(APPS)('%s: probes, resources, security context and drain timing', (app) => {
    const deployment = find(objects, 'Deployment', app);
    const template = podTemplateOf(deployment);
    const spec = template.spec as PodSpec & {
      terminationGracePeriodSeconds: number;
      securityContext: Record<string, unknown>;
      volumes: Array<{ name: string; emptyDir?: object }>;
      automountServiceAccountToken: boolean;
    };
    const container = spec.containers[0] as Container & Record<string, Record<string, unknown>>;
    expect(spec.containers).toHaveLength(1);
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/ready' } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health' } });
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health' } });
    const startup = container.startupProbe as { periodSeconds: number; failureThreshold: number };
    // A subgraph retries PostgreSQL for 60 s before it listens (connectWithRetry).
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThan(60);
    const resources = container.resources as { requests: Record<string, string>; limits: Record<string, string> };
    expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(resources.limits).sort()).toEqual(['cpu', 'memory']);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(spec.automountServiceAccountToken).toBe(false);
    // /tmp is the one writable path.
    const tmp = (container.volumeMounts as unknown as Array<{ name: string; mountPath: string }>).find((mount) => mount.mountPath === '/tmp');
    expect(spec.volumes.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    // preStop sleep, then the app drains for FLYWHEEL_SHUTDOWN_GRACE_MS, all inside the grace period.
    const sleep = Number(((container.lifecycle as { preStop: { exec: { command: string[] } } }).preStop.exec.command as string[]).at(-1));
    const configs = (container.envFrom ?? []).filter((f) => f.configMapRef).map((f) => (find(objects, 'ConfigMap', f.configMapRef!.name) as { data?: Record<string, string> }).data ?? {});
    const drainMs = Number(Object.assign({}, ...configs).FLYWHEEL_SHUTDOWN_GRACE_MS ?? 10_000);
    expect(sleep).toBeGreaterThan(0);
    expect(spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(sleep * 1000 + drainMs);
    // Images are pinned to a tag, never :latest.
    expect(container.image).toMatch(/:[\w.-]+$/);
    expect(container.image).not.toMatch(/:latest$/);
  });

  it('network policies: only the gateway reaches the subgraphs, only database clients reach PostgreSQL', () => {
    type Policy = { podSelector: { matchLabels?: Record<string, string> }; ingress?: Array<{ from?: Array<{ podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: object }>; ports?: Array<{ port: number }> }> };
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy').map((object) => object.spec as Policy);
    const matches = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
      Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    /** Whether a pod with `from` labels (in this namespace; undefined = outside the namespace) may open `port` on `to`. */
    const allowed = (from: Record<string, string> | undefined, to: Record<string, string>, port: number) => {
      const selecting = policies.filter((policy) => matches(policy.podSelector, to));
      if (selecting.length === 0) return true;
      return selecting.some((policy) =>
        (policy.ingress ?? []).some(
          (rule) =>
            (!rule.ports || rule.ports.some((p) => p.port === port)) &&
            (!rule.from || rule.from.some((peer) => (peer.podSelector && !peer.namespaceSelector ? from !== undefined && matches(peer.podSelector, from) : peer.namespaceSelector !== undefined))),
        ),
      );
    };
    const pods = new Map(
      objects.filter((o) => ['Deployment', 'Job', 'StatefulSet'].includes(o.kind)).map((o) => [o.metadata.name, podTemplateOf(o).metadata.labels]),
    );
    expect(policies.some((policy) => matches(policy.podSelector, pods.get('gateway')!) && !policy.ingress)).toBe(true); // default deny
    for (const subgraph of SUBGRAPHS) {
      const port = Number(new URL(deployedSubgraphs.find((s) => s.name === subgraph)!.routingUrl).port);
      for (const [name, labels] of pods) expect(`${name} -> ${subgraph}: ${allowed(labels, pods.get(subgraph)!, port)}`).toBe(`${name} -> ${subgraph}: ${name === 'gateway'}`);
      expect(allowed(undefined, pods.get(subgraph)!, port)).toBe(false);
    }
    // The gateway: reachable on 4000 from outside the namespace (anyone, or the ingress controller's namespace).
    expect(allowed(undefined, pods.get('gateway')!, 4000)).toBe(true);
    expect(allowed(pods.get('prompt'), pods.get('gateway')!, 4001)).toBe(false);
    // PostgreSQL: exactly the processes whose code reads DATABASE_URL.
    const postgresLabels = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/part-of': 'flywheel' };
    for (const { app, template } of flywheelContainers(objects)) {
      expect(`${app}: ${allowed(template.metadata.labels, postgresLabels, 5432)}`).toBe(`${app}: ${expectedEnv(app).includes('DATABASE_URL')}`);
    }
    expect(allowed(undefined, postgresLabels, 5432)).toBe(false);
  });

  it('the README rollout order: the first apply brings the Job and what it needs, and no app Deployment', () => {
    const readme = read('k8s/README.md');
    const selector = /kubectl apply -k k8s\/overlays\/\w+ -l '([^']+)'/.exec(readme)?.[1];
    expect(selector).toBeDefined();
    const [, key, values] = /^(\S+) notin \(([^)]*)\)$/.exec(selector!)!;
    const excluded = values.split(',').map((value) => value.trim());
    const first = objects.filter((object) => !excluded.includes(object.metadata.labels?.[key] ?? ''));
    const has = (kind: string, name: string) => first.some((object) => object.kind === kind && object.metadata.name === name);
    const job = flywheelContainers(objects).find((entry) => entry.app === MIGRATE)!;
    expect(has('Job', job.workload.metadata.name)).toBe(true);
    for (const variable of job.container.env ?? []) {
      const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
      if (ref) expect(has(variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name)).toBe(true);
    }
    for (const object of objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'NetworkPolicy' || o.kind === 'ServiceAccount')) expect(has(object.kind, object.metadata.name)).toBe(true);
    for (const app of APPS) expect(has('Deployment', app)).toBe(false);
    expect(readme).toMatch(new RegExp(`kubectl (-n \\S+ )?wait --for=condition=complete job/${job.workload.metadata.name}`));
  });
});

describe('overlays', () => {
  it('dev: one PostgreSQL StatefulSet with a PVC, whose credentials DATABASE_URL uses; one replica per app', () => {
    const objects = rendered['k8s/overlays/dev'];
    const statefulSet = find(objects, 'StatefulSet', 'postgres').spec as { replicas: number; volumeClaimTemplates: unknown[]; template: PodTemplate };
    expect(statefulSet.replicas).toBe(1);
    expect(statefulSet.volumeClaimTemplates).toHaveLength(1);
    const container = statefulSet.template.spec.containers[0];
    const credentials: Record<string, string | undefined> = {
      ...valuesOf(find(objects, 'Secret', container.envFrom?.[0].secretRef?.name ?? '')),
      ...Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value])),
    };
    const url = new URL(valuesOf(find(objects, 'Secret', 'flywheel-database')).DATABASE_URL);
    expect([url.username, url.password, url.hostname, url.port, url.pathname]).toEqual([credentials.POSTGRES_USER, credentials.POSTGRES_PASSWORD, 'postgres', '5432', `/${credentials.POSTGRES_DB}`]);
    find(objects, 'Service', 'postgres');
    for (const app of APPS) expect((find(objects, 'HorizontalPodAutoscaler', app).spec as { minReplicas: number }).minReplicas).toBe(1);
    expect(objects.every((object) => object.metadata.namespace === 'flywheel')).toBe(true);
  });

  it('prod: external PostgreSQL with TLS, more replicas than the base, a connection budget inside max_connections', () => {
    const prod = rendered['k8s/overlays/prod'];
    const base = rendered['k8s/base'];
    expect(prod.some((object) => object.kind === 'StatefulSet')).toBe(false);
    const url = new URL(valuesOf(find(prod, 'Secret', 'flywheel-database')).DATABASE_URL);
    expect(url.searchParams.get('sslmode')).toBe('require');
    let pods = 0;
    for (const app of APPS) {
      const spec = (find(prod, 'HorizontalPodAutoscaler', app).spec as { minReplicas: number; maxReplicas: number });
      expect(spec.minReplicas).toBeGreaterThanOrEqual((find(base, 'HorizontalPodAutoscaler', app).spec as { minReplicas: number }).minReplicas);
      if (expectedEnv(app).includes('DATABASE_URL')) pods += spec.maxReplicas;
    }
    const poolSize = Number(valuesOf(find(prod, 'ConfigMap', 'flywheel-database-config')).DATABASE_POOL_SIZE);
    // docs/SCALING.md sizes PostgreSQL with max_connections = 300, 20 kept for admin and the Job.
    expect(pods * poolSize).toBeLessThanOrEqual(280);
    for (const container of flywheelContainers(prod).map((entry) => entry.container)) expect(container.image).toMatch(/^[\w.-]+\.[\w.-]+\/.+:[\w.-]+$/);
  });
});

// ------------------------------------------------------------------ compose --

describe('docker/compose.yaml', () => {
  const compose = parseYaml(read('docker/compose.yaml'), { merge: true }) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: object; build?: { context: string; dockerfile: string } }>;
  };
  const services = compose.services;
  const flywheel = Object.entries(services).filter(([, service]) => service.image?.startsWith('flywheel'));

  it('runs PostgreSQL, the migration and every app from the image, each on an entry the build produces', () => {
    expect(services.postgres.image).toMatch(/^postgres:15/);
    expect(services.postgres.healthcheck).toBeDefined();
    expect(flywheel.map(([, service]) => service.command?.[0]).sort()).toEqual([...APPS, MIGRATE].sort());
    for (const [, service] of flywheel) expect(existsSync(join(root, entryOf(service.command![0]).source))).toBe(true);
    const built = flywheel.filter(([, service]) => service.build);
    expect(built).toHaveLength(1);
    expect(existsSync(join(root, 'docker', built[0][1].build!.context, built[0][1].build!.dockerfile))).toBe(true);
  });

  it('starts in health-gated order: PostgreSQL healthy -> migration completed -> subgraphs healthy -> gateway', () => {
    const byApp = Object.fromEntries(flywheel.map(([name, service]) => [service.command![0], { name, service }]));
    expect(byApp[MIGRATE].service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const subgraph of SUBGRAPHS) expect(byApp[subgraph].service.depends_on).toEqual({ [byApp[MIGRATE].name]: { condition: 'service_completed_successfully' } });
    expect(byApp.gateway.service.depends_on).toEqual(Object.fromEntries(SUBGRAPHS.map((subgraph) => [byApp[subgraph].name, { condition: 'service_healthy' }])));
    // The supergraph's routing URLs resolve to the compose services by name.
    for (const { name, routingUrl } of deployedSubgraphs) {
      const url = new URL(routingUrl);
      expect(byApp[name].name).toBe(url.hostname);
      expect(byApp[name].service.environment?.PORT).toBe(url.port);
    }
  });

  it('sets only variables the apps read, and the subgraphs leave migrating to the migration service', () => {
    for (const [name, service] of flywheel) {
      const app = service.command![0];
      const unknown = Object.keys(service.environment ?? {}).filter((variable) => !expectedEnv(app).includes(variable));
      expect({ name, unknown }).toEqual({ name, unknown: [] });
      if (SUBGRAPHS.includes(app)) expect(service.environment?.FLYWHEEL_MIGRATE_ON_START).toBe('off');
    }
  });
});

// -------------------------------------------------------- what the code reads --

describe('configuration sources', () => {
  it('each subgraph starts through runSubgraph (so subgraphEnvShape is all it reads)', () => {
    for (const subgraph of SUBGRAPHS) expect(read(`apps/${subgraph}/src/main.ts`)).toMatch(/\brunSubgraph\(/);
  });

  it('no deployed code reads process.env outside its zod shape', () => {
    const problems: string[] = [];
    const check = (files: string[], apps: string[]) => {
      for (const file of files) {
        for (const name of directEnvReads(read(file))) {
          for (const app of apps) if (!expectedEnv(app).includes(name)) problems.push(`${file} reads ${name}, which ${app}'s shape does not declare`);
        }
      }
    };
    check(sourceFiles('apps/gateway/src').filter((file) => !file.endsWith('launcher.ts')), ['gateway']);
    for (const subgraph of SUBGRAPHS) check(sourceFiles(`apps/${subgraph}/src`), [subgraph]);
    const libs = [...sourceFiles('libs/server/src'), ...sourceFiles('libs/data/src')].filter((file) => !file.endsWith('migrate.ts'));
    check(libs, SUBGRAPHS);
    expect(problems).toEqual([]);
  });
});
