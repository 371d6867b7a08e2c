import { createVerify, X509Certificate } from 'node:crypto';
import https from 'node:https';

/** The fields of an SNS HTTP(S) message that its signature covers, and a few we act on. */
export interface SnsMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
}

export class SnsRefused extends Error {}

const SIGNED_FIELDS: Record<string, readonly (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The string SNS signs: "Key\nValue\n" for each field of the type, in order; an absent Subject is left out. */
export function canonicalString(m: SnsMessage): string {
  const fields = SIGNED_FIELDS[m.Type];
  if (!fields) throw new SnsRefused(`unknown message type`);
  let out = '';
  for (const key of fields) {
    const value = m[key];
    if (value === undefined) {
      if (key === 'Subject') continue;
      throw new SnsRefused(`${key} is missing`);
    }
    out += `${key}\n${value}\n`;
  }
  return out;
}

/** Parses the posted text into an SNS message with every field a string, or refuses it. */
export function parseSnsMessage(text: string): SnsMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SnsRefused('body is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SnsRefused('body is not an object');
  const m = value as Record<string, unknown>;
  for (const key of ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL']) {
    if (typeof m[key] !== 'string') throw new SnsRefused(`${key} is missing`);
  }
  for (const key of ['Subject', 'SubscribeURL', 'Token']) {
    if (m[key] !== undefined && typeof m[key] !== 'string') throw new SnsRefused(`${key} is not a string`);
  }
  return m as unknown as SnsMessage;
}

export interface SnsTrust {
  /** Hosts that SNS certificates and subscription URLs may come from (real SNS: sns.<region>.amazonaws.com). */
  hostPattern: RegExp;
  /** Extra CA certificates to trust when fetching (tests serve their certificate on loopback); undefined = the system's. */
  ca?: string;
}

/** True when `url` is https on an SNS host: only then is it fetched (no request goes anywhere a sender names). */
export function isSnsUrl(url: string, trust: SnsTrust): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && trust.hostPattern.test(u.hostname);
}

const MAX_CERT_BYTES = 64 * 1024;

/** GETs an https URL on an SNS host; the body as text, bounded, with a timeout. */
export function httpsGet(url: string, trust: SnsTrust, maxBytes = MAX_CERT_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: trust.ca, timeout: 5000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new SnsRefused(`GET answered ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) req.destroy(new SnsRefused('response too large'));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new SnsRefused('GET timed out')));
    req.on('error', reject);
  });
}

/**
 * Verifies SNS signatures. Certificates are cached by URL (SNS rotates them rarely and each
 * notification names its own), and only a fetch that succeeded is cached.
 */
export function createSnsVerifier(trust: SnsTrust, fetchText: (url: string) => Promise<string> = (u) => httpsGet(u, trust)) {
  const certs = new Map<string, Promise<X509Certificate>>();

  function certificate(url: string): Promise<X509Certificate> {
    let cert = certs.get(url);
    if (!cert) {
      cert = fetchText(url).then((pem) => new X509Certificate(pem));
      certs.set(url, cert);
      cert.catch(() => certs.delete(url));
    }
    return cert;
  }

  return {
    async verify(m: SnsMessage): Promise<void> {
      const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : null;
      if (!algorithm) throw new SnsRefused('unsupported SignatureVersion');
      if (!isSnsUrl(m.SigningCertURL, trust)) throw new SnsRefused('SigningCertURL is not an SNS https URL');
      const data = canonicalString(m);
      let cert: X509Certificate;
      try {
        cert = await certificate(m.SigningCertURL);
      } catch (err) {
        throw new SnsRefused(`certificate unavailable: ${(err as Error).message}`);
      }
      if (Date.parse(cert.validTo) < Date.now()) throw new SnsRefused('certificate expired');
      const ok = createVerify(algorithm).update(data, 'utf8').verify(cert.publicKey, m.Signature, 'base64');
      if (!ok) throw new SnsRefused('signature does not match');
    },
  };
}
