import { createHmac } from 'node:crypto';
import { DOWNLOAD_TOKEN_TTL_MS, DownloadTokenError, signDownloadToken, verifyDownloadToken } from './download-token';

describe('download tokens', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';
  const resource = 'dataset-version:7c9e6679-7425-40de-944b-e07fc1f90ae7:OPENAI_CHAT_JSONL';
  const now = 1_800_000_000_000;

  it('verifies a token for its resource until it expires', () => {
    const token = signDownloadToken(secret, resource, now);
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(() => verifyDownloadToken(secret, token, resource, now)).not.toThrow();
    expect(() => verifyDownloadToken(secret, token, resource, now + DOWNLOAD_TOKEN_TTL_MS)).not.toThrow();
    expect(() => verifyDownloadToken(secret, token, resource, now + DOWNLOAD_TOKEN_TTL_MS + 1)).toThrow(/expired/);
  });

  it('is an HMAC-SHA256 over the resource and the expiry (independent recomputation)', () => {
    const token = signDownloadToken(secret, resource, now, 1000);
    const expected = createHmac('sha256', secret).update(`flywheel-download\n${resource}\n${now + 1000}`).digest('base64url');
    expect(token).toBe(`${now + 1000}.${expected}`);
  });

  it('refuses another resource, another secret, a moved expiry and garbage', () => {
    const token = signDownloadToken(secret, resource, now);
    const [expiry, signature] = token.split('.');
    const refusals = [
      () => verifyDownloadToken(secret, token, resource.replace('OPENAI_CHAT_JSONL', 'PREFERENCE_JSONL'), now),
      () => verifyDownloadToken(`${secret}!`, token, resource, now),
      () => verifyDownloadToken(secret, `${Number(expiry) + 60_000}.${signature}`, resource, now),
      () => verifyDownloadToken(secret, 'not-a-token', resource, now),
      () => verifyDownloadToken(secret, '', resource, now),
    ];
    for (const refuse of refusals) expect(refuse).toThrow(DownloadTokenError);
  });
});
