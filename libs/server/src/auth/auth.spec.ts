import { buildSchema, graphql } from 'graphql';
import { enforceAccess } from './enforce';
import { signPrincipal, verifyPrincipal, SignatureError, actorOf, PrincipalVerifier } from './principal';
import { requiredRole, roleSatisfies } from './roles';

describe('roles', () => {
  it('orders VIEWER < EDITOR < ADMIN and keeps INGEST a separate scope', () => {
    expect(roleSatisfies('ADMIN', 'EDITOR')).toBe(true);
    expect(roleSatisfies('EDITOR', 'VIEWER')).toBe(true);
    expect(roleSatisfies('VIEWER', 'EDITOR')).toBe(false);
    expect(roleSatisfies('INGEST', 'VIEWER')).toBe(false);
    expect(roleSatisfies('VIEWER', 'INGEST')).toBe(false);
    expect(roleSatisfies('EDITOR', 'INGEST')).toBe(true);
    expect(roleSatisfies('INGEST', 'ANY')).toBe(true);
  });

  it('defaults queries to VIEWER and mutations to EDITOR, with protected labels for ADMIN', () => {
    expect(requiredRole('Query', 'prompts', {})).toBe('VIEWER');
    expect(requiredRole('Mutation', 'someNewMutation', {})).toBe('EDITOR');
    expect(requiredRole('Mutation', 'logFeedback', {})).toBe('INGEST');
    expect(requiredRole('Mutation', 'setPromptLabel', { label: 'production' })).toBe('ADMIN');
    expect(requiredRole('Mutation', 'setPromptLabel', { label: 'staging' })).toBe('EDITOR');
    expect(requiredRole('Mutation', 'setModelAlias', { alias: 'champion' })).toBe('ADMIN');
    expect(requiredRole('Mutation', 'setPromptLabel', { label: 'live' }, new Set(['live']))).toBe('ADMIN');
  });
});

describe('signed principal', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';
  const principal = { keyId: 'k1', name: 'ci', role: 'EDITOR' as const };

  it('round-trips and names the actor', () => {
    expect(verifyPrincipal(secret, signPrincipal(secret, principal))).toEqual(principal);
    expect(actorOf(principal)).toBe('ci (k1)');
  });

  it.each([
    ['missing headers', () => ({})],
    ['another secret', () => signPrincipal('another-secret-of-at-least-thirty-two-chars', principal)],
    ['a tampered payload', () => ({ ...signPrincipal(secret, principal), 'x-flywheel-principal': signPrincipal(secret, { ...principal, role: 'ADMIN' })['x-flywheel-principal'] + 'x' })],
    ['an old signature', () => signPrincipal(secret, principal, Date.now() - 6 * 60_000)],
  ])('refuses %s', (_label, headers) => {
    expect(() => verifyPrincipal(secret, headers())).toThrow(SignatureError);
  });
});

describe('enforceAccess', () => {
  const schema = enforceAccess(
    buildSchema(`type Query { secret: String } type Mutation { write: String, logFeedback: String }`),
  );
  const rootValue = { secret: () => 'data', write: () => 'written', logFeedback: () => 'logged' };
  const run = (source: string, principal: unknown) => graphql({ schema, source, rootValue, contextValue: { principal } });

  it('refuses an unauthenticated caller before the resolver runs', async () => {
    const result = await run('{ secret }', null);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data?.secret).toBeNull();
  });

  it('applies the role rules per field', async () => {
    const viewer = { keyId: 'v', name: 'v', role: 'VIEWER' };
    const ingest = { keyId: 'i', name: 'i', role: 'INGEST' };
    expect((await run('{ secret }', viewer)).data).toEqual({ secret: 'data' });
    expect((await run('mutation { write }', viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await run('mutation { logFeedback }', ingest)).data).toEqual({ logFeedback: 'logged' });
    expect((await run('{ secret }', ingest)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('trusts in-process callers, which have no principal at all', async () => {
    expect((await graphql({ schema, source: 'mutation { write }', rootValue, contextValue: {} })).data).toEqual({ write: 'written' });
  });
});

describe('PrincipalVerifier', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';
  const principal = { keyId: 'k1', name: 'ci', role: 'VIEWER' as const };

  it('answers a repeated signature from memory, but not once it is too old', () => {
    const verifier = new PrincipalVerifier(secret, 1000);
    const headers = signPrincipal(secret, principal, 10_000);
    expect(verifier.verify(headers, 10_000)).toEqual(principal);
    expect(verifier.verify(headers, 10_500)).toEqual(principal);
    expect(() => verifier.verify(headers, 11_500)).toThrow(SignatureError);
    expect(() => verifier.verify({ ...headers, 'x-flywheel-signature': 'forged' }, 10_000)).toThrow(SignatureError);
  });
});
