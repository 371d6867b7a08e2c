/**
 * What a transport needs to send one rendered email. The ids tie the provider's records back to
 * ours: a notification's email, a digest, or neither for an operator's test message.
 */
export interface EmailMessage {
  notificationId: number | null;
  digestId?: number;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface SmsMessage {
  notificationId: number | null;
  /** E.164, e.g. +15555550100. */
  to: string;
  body: string;
}

export interface SendResult {
  providerMessageId: string;
  /** USD; null when the transport cannot tell (the delivery log stores it as is). */
  costEstimateUsd: number | null;
}

/**
 * A send that did not happen. `permanent` tells the caller whether a retry can help: a rejected
 * address stays rejected, while throttling, 5xx and network trouble usually pass.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(
    message: string,
    readonly code: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Transport {
  readonly name: 'aws' | 'local';
  sendEmail(m: EmailMessage): Promise<SendResult>;
  sendSms(m: SmsMessage): Promise<SendResult>;
}
