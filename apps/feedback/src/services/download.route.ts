import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DownloadTokenError,
  FlywheelError,
  roleSatisfies,
  signDownloadToken,
  SignatureError,
  verifyDownloadToken,
  verifyPrincipal,
  PRINCIPAL_HEADER,
  type Logger,
  type RouteHandler,
} from '@flywheel/server';
import type { DatasetExportFormatValue } from '../models';
import { checkFormat, type DatasetService } from './dataset.service';

/** The download route's path prefix (registered as `/datasets/*`): `GET /datasets/<version id>.jsonl?format=…`. */
export const DOWNLOAD_PREFIX = '/datasets/';

/** How the download route authenticates and where its links point. */
export interface DownloadSettings {
  /** FLYWHEEL_AUTH: off lets anyone download (local experiments only). */
  auth: boolean;
  /** FLYWHEEL_GATEWAY_SECRET: verifies the gateway's principal header and signs link tokens. */
  secret?: string;
  /** FLYWHEEL_PUBLIC_FEEDBACK_URL: base of the links; unset, the address the request came to. */
  publicUrl?: string;
}

/** What a download link grants: one version, in one format. */
const resourceOf = (versionId: string, format: DatasetExportFormatValue) => `dataset-version:${versionId.toLowerCase()}:${format}`;

/** Signs download links of dataset versions. */
export class DownloadLinks {
  constructor(private readonly settings: DownloadSettings) {}

  /**
   * The link to a version's JSONL in `format`, with a token (15 minutes, this
   * version and format only) whenever a secret is configured. `requestHost` is
   * the Host the request reached this subgraph at, used without a public URL.
   */
  url(versionId: string, format: DatasetExportFormatValue, requestHost: string | undefined, now = Date.now()): string {
    const base = (this.settings.publicUrl ?? `http://${requestHost ?? 'localhost:4003'}`).replace(/\/+$/, '');
    const query = new URLSearchParams({ format });
    if (this.settings.secret) query.set('token', signDownloadToken(this.settings.secret, resourceOf(versionId, format), now));
    return `${base}${DOWNLOAD_PREFIX}${versionId}.jsonl?${query}`;
  }
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `GET /datasets/<version id>.jsonl?format=…[&token=…]`: streams a dataset
 * version as JSONL from a server-side cursor, with backpressure (it waits for
 * the socket to drain), so an export of any size holds one batch in memory.
 * This route is not behind the gateway, so it authenticates itself: either the
 * gateway's signed principal (a VIEWER or above) or a link token for exactly
 * this version and format. A client that disconnects stops the cursor.
 */
export function createDownloadRoute(deps: { datasets: DatasetService; settings: DownloadSettings; logger: Logger }): RouteHandler {
  const { datasets, settings, logger } = deps;
  return async (req, res, url) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpProblem(405, 'METHOD_NOT_ALLOWED', 'use GET');
      const match = /^\/datasets\/([0-9a-fA-F-]{36})\.jsonl$/.exec(url.pathname);
      if (!match) throw new HttpProblem(404, 'NOT_FOUND', `no route ${url.pathname}; dataset downloads are at /datasets/<version id>.jsonl?format=…`);
      const versionId = match[1].toLowerCase();
      const format = url.searchParams.get('format') ?? '';
      try {
        checkFormat(format);
      } catch (error) {
        throw new HttpProblem(400, 'BAD_USER_INPUT', (error as Error).message);
      }
      authenticate(req, url, settings, resourceOf(versionId, format));
      let version;
      try {
        version = await datasets.requireVersion(versionId);
      } catch (error) {
        if (error instanceof FlywheelError && error.code === 'NOT_FOUND') throw new HttpProblem(404, 'NOT_FOUND', error.message);
        throw error;
      }
      const name = (await datasets.datasetNameOf(version)).replace(/[^A-Za-z0-9._-]/g, '_');
      res.writeHead(200, {
        'content-type': 'application/jsonl; charset=utf-8',
        'content-disposition': `attachment; filename="${name}-v${version.version}.${format.toLowerCase()}.jsonl"`,
        'cache-control': 'private, no-store',
        'x-dataset-version-hash': version.hash,
      });
      if (req.method === 'HEAD') return void res.end();
      await stream(res, datasets.exportChunks(version.id, format));
    } catch (error) {
      if (error instanceof HttpProblem) {
        const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] });
        res.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (res.headersSent) {
        // Mid-stream: cut the connection, so the client sees a broken download, never a short file that looks complete.
        logger.error({ err: error, path: url.pathname }, 'dataset download failed mid-stream');
        res.destroy(error as Error);
        return;
      }
      throw error;
    }
  };
}

/** Writes chunks with backpressure; stops the source when the client goes away. */
async function stream(res: ServerResponse, chunks: AsyncGenerator<string>): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk) && !(await drainedOrClosed(res))) return;
    }
    res.end();
  } finally {
    await chunks.return(undefined);
  }
}

/** Resolves true when the socket can take more, false when the client went away. */
function drainedOrClosed(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (drained: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(drained);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** The gateway's signed principal (VIEWER or above), or a link token for this resource. */
function authenticate(req: IncomingMessage, url: URL, settings: DownloadSettings, resource: string): void {
  if (!settings.auth) return;
  const secret = settings.secret;
  if (!secret) throw new HttpProblem(401, 'UNAUTHENTICATED', 'downloads are not configured: FLYWHEEL_GATEWAY_SECRET is unset');
  if (req.headers[PRINCIPAL_HEADER] !== undefined) {
    try {
      const principal = verifyPrincipal(secret, req.headers);
      if (!roleSatisfies(principal.role, 'VIEWER')) throw new HttpProblem(403, 'FORBIDDEN', `downloading a dataset needs the VIEWER role; this key has ${principal.role}`);
      return;
    } catch (error) {
      if (error instanceof SignatureError) throw new HttpProblem(401, 'UNAUTHENTICATED', `Unauthenticated: ${error.message}`);
      throw error;
    }
  }
  const token = url.searchParams.get('token');
  if (!token) throw new HttpProblem(401, 'UNAUTHENTICATED', 'Unauthenticated: a download needs the token of its link (DatasetVersion.downloadUrl) or the gateway signature');
  try {
    verifyDownloadToken(secret, token, resource);
  } catch (error) {
    if (error instanceof DownloadTokenError) throw new HttpProblem(401, 'UNAUTHENTICATED', `Unauthenticated: ${error.message}`);
    throw error;
  }
}
