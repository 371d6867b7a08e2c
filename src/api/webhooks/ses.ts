import { readFileSync } from 'node:fs';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Config } from '../../config';
import { forbidden, validationFailed } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { applySesFeedback, readSesEvent } from './ses-feedback';
import { createSnsVerifier, httpsGet, isSnsUrl, parseSnsMessage, SnsRefused, type SnsTrust } from './sns';

/** SNS messages are at most 256 KiB; a little room for the envelope. */
const MAX_BODY_BYTES = 300 * 1024;

const snsEnvelope = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string().describe('For a Notification: the SES event as JSON (eventType Bounce, Complaint or Delivery)'),
  Timestamp: z.string(),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string(),
  SigningCertURL: z.string(),
});

/** One verifier (and certificate cache) per configuration, i.e. per running app. */
const verifiers = new WeakMap<Config, { trust: SnsTrust; verifier: ReturnType<typeof createSnsVerifier> }>();
function verifierFor(config: Config) {
  let v = verifiers.get(config);
  if (!v) {
    const { certHostPattern, certCaFile } = config.sesFeedback;
    const trust: SnsTrust = { hostPattern: certHostPattern, ca: certCaFile ? readFileSync(certCaFile, 'utf8') : undefined };
    v = { trust, verifier: createSnsVerifier(trust) };
    verifiers.set(config, v);
  }
  return v;
}

async function readText(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw validationFailed({ body: 'is larger than an SNS message can be' }, 'The request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const sesWebhookRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/webhooks/ses',
    tag: 'webhooks',
    summary:
      'SES feedback over SNS (the JSON posted as text/plain): confirms the subscription; a permanent Bounce or a Complaint ' +
      'marks the delivery log and makes the address unverified, a Delivery marks it delivered. Only SNS-signed messages ' +
      'whose certificate comes from an SNS host are accepted',
    access: 'public',
    consumes: 'text/plain',
    documentedBody: snsEnvelope,
    response: z.object({ received: z.string() }),
    errors: [403],
    handler: async ({ ctx }, deps) => {
      const { trust, verifier } = verifierFor(deps.config);
      const text = await readText(ctx);
      let message;
      try {
        message = parseSnsMessage(text);
        await verifier.verify(message);
        const expected = deps.config.sesFeedback.topicArn;
        if (expected && message.TopicArn !== expected) throw new SnsRefused('topic is not the configured one');
      } catch (err) {
        if (!(err instanceof SnsRefused)) throw err;
        // The reason only: the body may hold addresses, and a forged one is whatever its sender chose.
        ctx.state.log.warn({ reason: err.message }, 'SES webhook refused a message');
        throw forbidden('The message is not a valid SNS message');
      }
      if (message.Type === 'SubscriptionConfirmation') {
        const url = message.SubscribeURL ?? '';
        if (!isSnsUrl(url, trust)) {
          ctx.state.log.warn({ reason: 'SubscribeURL is not an SNS https URL' }, 'SES webhook refused a message');
          throw forbidden('The message is not a valid SNS message');
        }
        await httpsGet(url, trust);
        ctx.state.log.info({ topicArn: message.TopicArn }, 'SES feedback subscription confirmed');
        return { received: message.Type };
      }
      if (message.Type === 'Notification') {
        const feedback = readSesEvent(message.Message);
        if (feedback) {
          const changed = await applySesFeedback(deps.db, feedback);
          ctx.state.log.info({ kind: feedback.kind, ...changed }, 'SES feedback applied');
        }
      }
      return { received: message.Type };
    },
  }),
];
