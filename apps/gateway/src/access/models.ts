// What the access resolvers return (mapped by GraphQL Code Generator).
export type { ApiKeyModel } from './api-key.service';
export type { AuditEventModel } from './audit.service';
