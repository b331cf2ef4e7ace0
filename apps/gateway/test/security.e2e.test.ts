// Security end to end: API keys and roles at the gateway, subgraphs that trust
// only the gateway's signature, query limits, and input hygiene.
import { signPrincipal } from '@flywheel/server';
import { adminKey, codes, gatewayUrl, gql, gqlOk, unique } from './client';

const CREATE_KEY = `mutation($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { id name role secret } }`;
const REGISTER = `mutation($name: String!, $template: String!) { registerPrompt(input: { name: $name, template: $template }) { created version { id number template } } }`;
const SET_LABEL = `mutation($name: String!, $label: String!, $number: Int!) { setPromptLabel(name: $name, label: $label, number: $number) { number } }`;
const READ_PROMPT = `query($name: String!) { prompt(name: $name) { name latest { template } } }`;

const keys: Record<string, { id: string; secret: string }> = {};

beforeAll(async () => {
  for (const role of ['VIEWER', 'INGEST', 'EDITOR', 'ADMIN']) {
    const { createApiKey } = await gqlOk(CREATE_KEY, { name: `test ${role.toLowerCase()} ${unique('key')}`, role });
    expect(createApiKey.secret).toMatch(/^fw_[A-Za-z0-9_-]{43}$/);
    keys[role] = { id: createApiKey.id, secret: createApiKey.secret };
  }
});

const as = (role: string) => ({ apiKey: keys[role].secret });

describe('authentication', () => {
  it('refuses a request without a key, with 401 and no data', async () => {
    const result = await gql(READ_PROMPT, { name: 'anything' }, { apiKey: null });
    expect(result.status).toBe(401);
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.data ?? null).toBeNull();
  });

  it('refuses an unknown key and a malformed header', async () => {
    expect(codes(await gql(READ_PROMPT, { name: 'x' }, { apiKey: 'fw_not-a-real-key' }))).toEqual(['UNAUTHENTICATED']);
    const malformed = await gql(READ_PROMPT, { name: 'x' }, { apiKey: null, headers: { authorization: 'Basic abc' } });
    expect(codes(malformed)).toEqual(['UNAUTHENTICATED']);
  });

  it('lets anyone introspect the schema (Apollo Studio), and nothing else', async () => {
    const result = await gql(`{ __schema { queryType { name } } }`, {}, { apiKey: null });
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const mixed = await gql(`{ __schema { queryType { name } } prompts { nodes { name } } }`, {}, { apiKey: null });
    expect(codes(mixed)).toEqual(['UNAUTHENTICATED']);
  });

  it('stops accepting a revoked key within seconds', async () => {
    const { createApiKey } = await gqlOk(CREATE_KEY, { name: unique('revoked'), role: 'VIEWER' });
    const key = { apiKey: createApiKey.secret };
    expect(codes(await gql(READ_PROMPT, { name: 'x' }, key))).toEqual([]);
    const { revokeApiKey } = await gqlOk(`mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: createApiKey.id });
    expect(revokeApiKey.revokedAt).not.toBeNull();
    const deadline = Date.now() + 5_000;
    let result = await gql(READ_PROMPT, { name: 'x' }, key);
    while (!codes(result).includes('UNAUTHENTICATED') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      result = await gql(READ_PROMPT, { name: 'x' }, key);
    }
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('lists keys without their secrets', async () => {
    const { apiKeys } = await gqlOk(`{ apiKeys { id name role revokedAt } }`);
    expect(apiKeys.map((key: { id: string }) => key.id)).toEqual(expect.arrayContaining(Object.values(keys).map((key) => key.id)));
    const raw = JSON.stringify(await gql(`{ apiKeys { id name role } }`));
    for (const key of Object.values(keys)) expect(raw).not.toContain(key.secret);
  });
});

describe('roles', () => {
  let promptName: string;
  beforeAll(async () => {
    promptName = unique('roles');
    await gqlOk(REGISTER, { name: promptName, template: 'v1 {x}' });
  });

  it.each([
    ['VIEWER', true],
    ['INGEST', false],
    ['EDITOR', true],
    ['ADMIN', true],
  ])('%s reading prompts: allowed=%s', async (role, allowed) => {
    const result = await gql(READ_PROMPT, { name: promptName }, as(role));
    expect(codes(result)).toEqual(allowed ? [] : ['FORBIDDEN']);
  });

  it.each([
    ['VIEWER', false],
    ['INGEST', false],
    ['EDITOR', true],
    ['ADMIN', true],
  ])('%s registering prompts: allowed=%s', async (role, allowed) => {
    const name = unique(`by-${role.toLowerCase()}`);
    const result = await gql(REGISTER, { name, template: 't' }, as(role));
    expect(codes(result)).toEqual(allowed ? [] : ['FORBIDDEN']);
    const lookup = await gqlOk(READ_PROMPT, { name });
    expect(lookup.prompt === null).toBe(!allowed);
  });

  it('only ADMIN moves a protected label; EDITOR moves the others', async () => {
    expect(codes(await gql(SET_LABEL, { name: promptName, label: 'staging', number: 1 }, as('EDITOR')))).toEqual([]);
    const denied = await gql(SET_LABEL, { name: promptName, label: 'production', number: 1 }, as('EDITOR'));
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    expect(denied.errors?.[0].extensions?.requiredRole).toBe('ADMIN');
    expect(codes(await gql(SET_LABEL, { name: promptName, label: 'production', number: 1 }, as('ADMIN')))).toEqual([]);
  });

  it('does not reveal whether an object exists to a caller without the role', async () => {
    const missing = await gql(SET_LABEL, { name: unique('missing'), label: 'production', number: 1 }, as('EDITOR'));
    const present = await gql(SET_LABEL, { name: promptName, label: 'production', number: 99 }, as('EDITOR'));
    expect(codes(missing)).toEqual(['FORBIDDEN']);
    expect(codes(present)).toEqual(['FORBIDDEN']);
    expect(missing.errors?.[0].message).toBe(present.errors?.[0].message);
  });

  it.each(['VIEWER', 'INGEST', 'EDITOR'])('%s cannot manage keys or read the audit log', async (role) => {
    expect(codes(await gql(CREATE_KEY, { name: unique('nope'), role: 'ADMIN' }, as(role)))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(`{ apiKeys { id } }`, {}, as(role)))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(`{ auditLog { nodes { id } } }`, {}, as(role)))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: keys.ADMIN.id }, as(role)))).toEqual(['FORBIDDEN']);
  });
});

describe('an INGEST key reads nothing, not even through what its mutations return', () => {
  it('assigns, but cannot reach a prompt template through the assignment', async () => {
    const promptName = unique('ingest-template');
    const { registerPrompt } = await gqlOk(REGISTER, { name: promptName, template: 'Secret instructions {x}' });
    const { createExperiment } = await gqlOk(
      `mutation($name: String!, $pv: ID!) { createExperiment(input: { name: $name, variants: [{ key: "A", promptVersionId: $pv }, { key: "B", promptVersionId: $pv }] }) { id name } }`,
      { name: unique('ingest-exp'), pv: registerPrompt.version.id },
    );
    await gqlOk(`mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id: createExperiment.id });
    const ASSIGN = `mutation($e: String!) { assign(experiment: $e, unitId: "u1") { variant details { promptVersion { id TEMPLATE } } } }`;
    const allowed = await gql(ASSIGN.replace('TEMPLATE', ''), { e: createExperiment.name }, as('INGEST'));
    expect(codes(allowed)).toEqual([]);
    expect(allowed.data?.assign.details.promptVersion.id).toBe(registerPrompt.version.id);
    const leaking = await gql(ASSIGN.replace('TEMPLATE', 'template'), { e: createExperiment.name }, as('INGEST'));
    expect(codes(leaking)).toContain('FORBIDDEN');
    expect(JSON.stringify(leaking)).not.toContain('Secret instructions');
    const viewer = await gql(ASSIGN.replace('TEMPLATE', 'template'), { e: createExperiment.name }, as('EDITOR'));
    expect(viewer.data?.assign.details.promptVersion.template).toBe('Secret instructions {x}');
  });
});

describe('audit log', () => {
  it('records who did what to which target, and whether it worked', async () => {
    const name = unique('audited');
    const badName = `bad name! ${unique('x')}`;
    await gqlOk(REGISTER, { name, template: 'audited {x}' }, as('EDITOR'));
    await gql(REGISTER, { name: badName, template: 't' }, as('EDITOR'));
    const { auditLog } = await gqlOk(`query($keyId: ID!) { auditLog(filter: { keyId: $keyId, operation: "registerPrompt" }, first: 50) { nodes { actor role operation target success errorCode requestId at } } }`, {
      keyId: keys.EDITOR.id,
    });
    type Event = { target: { input: { name: string } }; actor: string };
    const succeeded = auditLog.nodes.find((event: Event) => event.target.input.name === name);
    const failed = auditLog.nodes.find((event: Event) => event.target.input.name === badName);
    expect(succeeded).toMatchObject({ role: 'EDITOR', operation: 'registerPrompt', success: true, errorCode: null, target: { input: { name, template: 'audited {x}' } } });
    expect(succeeded.actor).toContain('test editor');
    expect(succeeded.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(failed).toMatchObject({ operation: 'registerPrompt', success: false, errorCode: 'BAD_USER_INPUT' });
  });

  it('redacts secrets and never stores the new key', async () => {
    const { createApiKey } = await gqlOk(CREATE_KEY, { name: unique('audited-key'), role: 'VIEWER' });
    const { auditLog } = await gqlOk(`{ auditLog(filter: { operation: "createApiKey" }, first: 50) { nodes { target } } }`);
    expect(JSON.stringify(auditLog)).not.toContain(createApiKey.secret);
  });
});

describe('subgraphs trust only the gateway', () => {
  const promptUrl = () => `http://127.0.0.1:${JSON.parse(process.env.FLYWHEEL_TEST_SUBGRAPH_PORTS as string).prompt}/graphql`;
  const direct = (headers: Record<string, string>) =>
    fetch(promptUrl(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ prompts(first: 1) { nodes { name } } }' }) });

  it('answers a direct call without a signature with 401 and no data, even with an API key', async () => {
    const response = await direct({ authorization: `Bearer ${adminKey()}` });
    const body = (await response.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(response.status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  });

  it('rejects a forged or stale signature', async () => {
    const forged = signPrincipal('not-the-gateway-secret-not-the-gateway-secret', { keyId: 'x', name: 'mallory', role: 'ADMIN' });
    expect((await direct(forged)).status).toBe(401);
    const stale = signPrincipal(process.env.FLYWHEEL_TEST_GATEWAY_SECRET as string, { keyId: 'x', name: 'old', role: 'ADMIN' }, Date.now() - 10 * 60_000);
    expect((await direct(stale)).status).toBe(401);
  });

  it('answers a call signed with the gateway secret, enforcing the signed role', async () => {
    const secret = process.env.FLYWHEEL_TEST_GATEWAY_SECRET as string;
    const viewer = await direct(signPrincipal(secret, { keyId: 'k', name: 'signed viewer', role: 'VIEWER' }));
    expect(viewer.status).toBe(200);
    const ingest = await (await direct(signPrincipal(secret, { keyId: 'k', name: 'signed ingest', role: 'INGEST' }))).json();
    expect((ingest as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('limits', () => {
  it('rejects a query nested beyond the depth limit, naming the limit', async () => {
    let selection = 'name';
    for (let i = 0; i < 8; i += 1) selection = `latest { prompt { ${selection} } }`;
    const result = await gql(`query($name: String!) { prompt(name: $name) { ${selection} } }`, { name: 'x' });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.limit).toBe('FLYWHEEL_MAX_DEPTH');
  });

  it('rejects too many aliases', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `a${i}: prompt(name: "x") { name }`).join(' ');
    const result = await gql(`{ ${fields} }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.limit).toBe('FLYWHEEL_MAX_ALIASES');
  });

  it('rejects a number literal that overflows to Infinity as bad input, not an internal error', async () => {
    const result = await gql(`mutation { registerPrompt(input: { name: "overflow", template: "t", modelConfig: { temperature: 1e999 } }) { created } }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain('finite');
  });

  it('rejects a body over the size limit with 413', async () => {
    const response = await fetch(gatewayUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey()}` },
      body: JSON.stringify({ query: REGISTER, variables: { name: 'big', template: 'x'.repeat(17 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
  });

  it('keeps CSRF prevention on: a GET without a preflight header is refused', async () => {
    const response = await fetch(`${gatewayUrl()}?query=${encodeURIComponent('{ __typename }')}`, { headers: { authorization: `Bearer ${adminKey()}` } });
    expect(response.status).toBe(400);
  });

  it('allows the configured CORS origins only', async () => {
    const preflight = (origin: string) =>
      fetch(gatewayUrl(), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const studio = await preflight('https://studio.apollographql.com');
    expect(studio.status).toBe(204);
    expect(studio.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('input hygiene', () => {
  it('stores SQL fragments and 4-byte Unicode verbatim, as parameters', async () => {
    const name = unique('hygiene');
    const template = `'); DROP TABLE prompt; -- {x} "quoted" \\ backslash 😀𝄞 ${'\u{1F680}'} $1 %s`;
    const { registerPrompt } = await gqlOk(REGISTER, { name, template });
    expect(registerPrompt.version.template).toBe(template);
    const { prompt } = await gqlOk(READ_PROMPT, { name });
    expect(prompt.latest.template).toBe(template);
  });

  it('refuses a NUL byte with a clear error instead of failing in the driver', async () => {
    const result = await gql(REGISTER, { name: unique('nul'), template: 'a\u0000b' });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain('NUL');
  });
});
