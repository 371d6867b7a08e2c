import { execFileSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A stand-in for SNS on loopback: one self-signed key and certificate (for 127.0.0.1) that both
 * serves HTTPS and signs messages, the certificate at /cert.pem, and a SubscribeURL that records calls.
 */
export async function startFakeSns() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-sns-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' }); // prettier-ignore
  const key = readFileSync(keyFile, 'utf8');
  const cert = readFileSync(certFile, 'utf8');
  const confirmations: string[] = [];
  const certFetches: string[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname.endsWith('.pem')) {
      certFetches.push(url.pathname);
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(cert);
    } else if (url.pathname === '/confirm') {
      confirmations.push(url.searchParams.get('Token') ?? '');
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const topicArn = 'arn:aws:sns:us-east-1:123456789012:RS-Systems-SES-Feedback';

  /** A message signed as SNS signs it (the canonical fields, "Key\nValue\n" each), independently of the code under test. */
  function sign(fields: Record<string, string>, version: '1' | '2' = '2', certUrl = `${base}/SimpleNotificationService-test.pem`) {
    const order =
      fields.Type === 'Notification'
        ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
        : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
    const text = order
      .filter((k) => fields[k] !== undefined)
      .map((k) => `${k}\n${fields[k]}\n`)
      .join('');
    const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      .update(text)
      .sign(key, 'base64');
    return { ...fields, SignatureVersion: version, Signature: signature, SigningCertURL: certUrl };
  }

  const notification = (event: unknown, extra: Record<string, string> = {}) =>
    sign({
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      Timestamp: new Date().toISOString(),
      ...extra,
    });

  return {
    base,
    certFile,
    topicArn,
    confirmations,
    certFetches,
    sign,
    notification,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const mail = (messageId: string, to: string) => ({ messageId, source: 'no-reply@rs-systems.example', destination: [to] });

/** SES events as a configuration set's event destination publishes them. */
export const sesEvent = {
  bounce: (messageId: string, to: string, bounceType = 'Permanent') => ({
    eventType: 'Bounce',
    bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: to }], timestamp: new Date().toISOString() },
    mail: mail(messageId, to),
  }),
  complaint: (messageId: string, to: string) => ({
    eventType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: to }], complaintFeedbackType: 'abuse', timestamp: new Date().toISOString() },
    mail: mail(messageId, to),
  }),
  delivery: (messageId: string, to: string) => ({
    eventType: 'Delivery',
    delivery: { recipients: [to], timestamp: new Date().toISOString() },
    mail: mail(messageId, to),
  }),
};
