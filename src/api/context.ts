import type { Config } from '../config';
import type { Db } from '../db';
import type { Logger } from '../logger';
import type { TokenService } from '../security/tokens';
import type { Role } from '../domain/roles';
import type { TemporalHandles } from '../temporal/client';

/** What every route may use: handed in once when the app is built. */
export interface AppDeps {
  config: Config;
  db: Db;
  temporal: TemporalHandles;
  tokens: TokenService;
  logger: Logger;
}

/** The caller, as re-read from the database on every request. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  customerId: number | null;
  technicianId: number | null;
}

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
    user?: AuthUser;
    routePath?: string;
  }
}
