export type * from './ports.js';
export { DEFAULT_SQLITE_PATH, openStore, type OpenStoreOptions } from './open-store.js';
export { redactUrl } from './postgres/postgres-url.js';
