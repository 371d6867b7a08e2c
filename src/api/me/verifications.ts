import { z } from 'zod';
import { confirmVerificationCode, requestVerificationCode } from '../../use-cases/verify-address';
import { timestamp } from '../common/schemas';
import { defineRoute, type AnyRoute } from '../route';

const ALL = ['customer', 'technician', 'admin'] as const;

const channel = z.enum(['email', 'sms'], 'must be email or sms');

export const verificationRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/me/verifications',
    tag: 'me',
    summary:
      'Sends a 6-digit code to your unverified email address (channel email) or phone number (sms); it replaces any earlier ' +
      'code, is valid 10 minutes and allows 5 tries. 400 naming channel when there is no such address, 409 when it is already verified',
    access: ALL,
    body: z.object({ channel }),
    status: 202,
    response: z.object({ channel, address: z.string(), expiresAt: timestamp }),
    errors: [409, 503],
    handler: async ({ body, user }, deps) => {
      const sent = await requestVerificationCode(deps, user.id, body.channel);
      return { channel: sent.channel, address: sent.address, expiresAt: sent.expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/me/verifications/confirm',
    tag: 'me',
    summary:
      'Confirms an address with its code. A wrong code is 400 naming code (with the tries left); after 5 wrong tries, or once ' +
      'it expired, was used or the address changed, the code is dead (400 naming code) and a new one must be requested',
    access: ALL,
    body: z.object({
      channel,
      code: z
        .string()
        .trim()
        .regex(/^\d{6}$/, 'must be the 6-digit code'),
    }),
    response: z.object({ channel, address: z.string(), verified: z.literal(true) }),
    handler: async ({ body, user }, deps) => ({
      ...(await confirmVerificationCode(deps, user.id, body.channel, body.code)),
      verified: true as const,
    }),
  }),
];
