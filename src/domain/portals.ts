import { approvalLinkUrl } from './approval-links';
import type { Role } from './roles';

/**
 * Where each role's portal lives (config: CUSTOMER_PORTAL_URL, TECHNICIAN_PORTAL_URL,
 * ADMIN_PORTAL_URL), without a trailing slash. A link in a notification opens the recipient's own
 * portal: a technician's SMS must not send them to the customer portal's login.
 */
export type PortalUrls = Readonly<Record<Role, string>>;

export interface PortalLinks {
  portalUrl(role: Role): string;
  /** The repair's page: `/repairs/:id` under every portal, as the API's resource path. */
  repairLink(role: Role, repairId: number): string;
  passwordResetLink(role: Role, token: string): string;
  /** Deciding a repair is a customer's act: the link opens the customer portal whoever asks. */
  approvalLink(token: string): string;
}

export function portalLinks(portals: PortalUrls): PortalLinks {
  const portalUrl = (role: Role): string => {
    // Roles come from the database as text; an unknown one must not become "undefined/repairs/1".
    const url = Object.prototype.hasOwnProperty.call(portals, role) ? portals[role] : undefined;
    if (url === undefined) throw new Error(`no portal for role ${JSON.stringify(role)}`);
    return url;
  };
  return {
    portalUrl,
    repairLink: (role, repairId) => `${portalUrl(role)}/repairs/${repairId}`,
    passwordResetLink: (role, token) => `${portalUrl(role)}/reset-password?token=${token}`,
    approvalLink: (token) => approvalLinkUrl(portals.customer, token),
  };
}

/** One base for every portal (tests, samples): what a single PUBLIC_APP_URL gave. */
export const singlePortal = (url: string): PortalUrls => ({ customer: url, technician: url, admin: url });
