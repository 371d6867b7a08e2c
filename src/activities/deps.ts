import type { Db } from '../db';
import type { PortalUrls } from '../domain/portals';
import type { RewardRules } from '../domain/rewards';
import type { Metrics } from '../transports/metrics';
import type { Transport } from '../transports/types';

/**
 * What every activity is built from: the clients (real or local) and the settings they need.
 * A module of its own so each activity file depends on it, not on the index that assembles them.
 */
export interface ActivityDeps {
  db: Db;
  transport: Transport;
  metrics: Metrics;
  /** Each role's portal, for the links in its notifications (domain/portals.ts). */
  portals: PortalUrls;
  rewards: RewardRules;
  /** Non-urgent SMS stop once this month's estimated spend would pass `monthlyUsd`. */
  smsBudget: { monthlyUsd: number; costEstimateUsd: number };
  /** How long an emailed password-reset link works. */
  passwordResetTtlMs: number;
  /** How long an approve-from-the-message link works at most. */
  approvalLinkTtlMs: number;
  /** Every email (notifications, digests), in every worker, starts at most this many times a second (SES's quota). */
  emailPacing: { perSecond: number };
  /** How many notifications one digest lists at most (the rest are counted). */
  digest: { maxItems: number };
}
