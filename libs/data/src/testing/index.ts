export { createTestDatabase, dropDatabase, migrate, testServerUrl, withDatabase } from './test-database';
export type { TestDatabase } from './test-database';
