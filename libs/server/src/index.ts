export * from './errors';
export * from './config';
export * from './logger';
export * from './http-server';
export * from './graphql';
export * from './run-subgraph';
export * from './auth';
export * from './pagination';
