import type { Transport } from '../transports/types';
import { E164_EXAMPLE, isE164 } from '../domain/phone-numbers';

export class OpsUsageError extends Error {
  override readonly name = 'OpsUsageError';
}

/** Sends one test email through the transport; the provider's message id proves it was accepted. */
export async function sendTestEmail(transport: Transport, to: string, companyName = 'RS Systems'): Promise<string> {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) throw new OpsUsageError(`--to: "${to}" is not an email address`);
  const at = new Date().toISOString();
  const result = await transport.sendEmail({
    notificationId: null,
    to,
    subject: `${companyName} test email`,
    html: `<p>This is a test email from ${companyName}, sent at ${at}. Email delivery works.</p>`,
    text: `This is a test email from ${companyName}, sent at ${at}. Email delivery works.`,
  });
  return result.providerMessageId;
}

export async function sendTestSms(transport: Transport, to: string, companyName = 'RS Systems'): Promise<string> {
  if (!isE164(to)) throw new OpsUsageError(`--to: "${to}" is not an E.164 number such as ${E164_EXAMPLE}`);
  const result = await transport.sendSms({ notificationId: null, to, body: `${companyName}: test SMS. SMS delivery works.` });
  return result.providerMessageId;
}
