import type { Logger } from '../logger';
import type { PhotoStorage } from '../storage';
import type { TokenService } from '../security/tokens';
import type { Role } from '../domain/roles';
import type { UseCaseDeps } from '../use-cases/deps';
import type { EventHub } from './events/hub';

/** What every route may use (config, db, temporal and more): handed in once when the app is built. */
export interface AppDeps extends UseCaseDeps {
  tokens: TokenService;
  logger: Logger;
  /** Repair photos' bytes (local files or S3), built once from config. */
  photoStorage: PhotoStorage;
  /** This process's live-event fan-out (GET /api/events); started by `startApi`. */
  events?: EventHub;
}

/** The caller, as re-read from the database on every request. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  customerId: number | null;
  technicianId: number | null;
  /** The version tokens must carry (see security/tokens.ts). */
  sessionVersion: number;
}

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
    user?: AuthUser;
    routePath?: string;
  }
}
