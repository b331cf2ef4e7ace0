import type { RequestContext } from '@flywheel/server';
import type { ApiKeyService } from './api-key.service';
import type { AuditService } from './audit.service';

/** The gateway context, as the local access subgraph sees it. */
export interface Context extends RequestContext {
  apiKeys: ApiKeyService;
  audit: AuditService;
}
