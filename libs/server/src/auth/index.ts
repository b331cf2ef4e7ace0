export * from './roles';
export * from './principal';
export * from './enforce';
export * from './download-token';
