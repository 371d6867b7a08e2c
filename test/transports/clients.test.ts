import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createAwsTransport } from '../../src/transports/aws';
import { createAwsClients, type AwsClients } from '../../src/transports/clients';
import { createCloudWatchMetrics, metric } from '../../src/transports/metrics';
import { DeliveryError } from '../../src/transports/types';

const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; contentType: string; body: string } | 'hang';

/** A stand-in AWS endpoint on 127.0.0.1: records each request and answers with `reply`. */
async function fakeAws(reply: (req: Seen) => Reply) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return;
      res.writeHead(r.status, { 'content-type': r.contentType });
      res.end(r.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const xml = (body: string, status = 200): Reply => ({ status, contentType: 'text/xml', body });
const queryError = (code: string, status: number) =>
  xml(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} from test server</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
    status,
  );
const SEND_EMAIL_OK = xml('<SendEmailResponse><SendEmailResult><MessageId>abc</MessageId></SendEmailResult></SendEmailResponse>');

const email = { notificationId: 42, to: 'ann@example.com', subject: 'Repair approved', html: '<p>Go</p>', text: 'Go' };

function transportFor(clients: AwsClients) {
  return createAwsTransport({
    ses: clients.ses,
    sns: clients.sns,
    fromAddress: 'no-reply@rsystems.example',
    smsMaxPriceUsd: 0.5,
    smsCostEstimateUsd: 0.00645,
  });
}

function destroy(clients: AwsClients): void {
  clients.ses.destroy();
  clients.sns.destroy();
  clients.cloudwatch.destroy();
}

describe('transports/clients: createAwsClients against a local endpoint', () => {
  let server: Awaited<ReturnType<typeof fakeAws>> | undefined;
  let clients: AwsClients | undefined;

  afterEach(async () => {
    if (clients) destroy(clients);
    clients = undefined;
    await server?.close();
    server = undefined;
  });

  it('SES: SendEmail goes to the overridden endpoint, signed with the given keys', async () => {
    server = await fakeAws(() => SEND_EMAIL_OK);
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });

    const result = await transportFor(clients).sendEmail(email);

    assert.deepEqual(result, { providerMessageId: 'abc', costEstimateUsd: 0.0001 });
    assert.equal(server.seen.length, 1);
    const req = server.seen[0]!;
    assert.equal(req.method, 'POST');
    const form = new URLSearchParams(req.body);
    assert.equal(form.get('Action'), 'SendEmail');
    assert.equal(form.get('Source'), 'no-reply@rsystems.example');
    assert.equal(form.get('Destination.ToAddresses.member.1'), 'ann@example.com');
    assert.equal(form.get('Message.Subject.Data'), 'Repair approved');
    assert.equal(form.get('Message.Body.Html.Charset'), 'UTF-8');
    assert.equal(form.get('Tags.member.1.Name'), 'notificationId');
    assert.equal(form.get('Tags.member.1.Value'), '42');
    assert.match(String(req.headers.authorization), /Credential=AKIDTESTFAKE\/\d{8}\/eu-west-1\/ses\/aws4_request/);
  });

  it('SNS: Publish goes to the overridden endpoint with the SMS attributes', async () => {
    server = await fakeAws(() => xml('<PublishResponse><PublishResult><MessageId>sns-9</MessageId></PublishResult></PublishResponse>'));
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });

    const result = await transportFor(clients).sendSms({ notificationId: 7, to: '+15555550100', body: 'Approved' });

    assert.deepEqual(result, { providerMessageId: 'sns-9', costEstimateUsd: 0.00645 });
    const req = server.seen[0]!;
    const form = Object.fromEntries(new URLSearchParams(req.body));
    assert.deepEqual(form, {
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: '+15555550100',
      Message: 'Approved',
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.MaxPrice',
      'MessageAttributes.entry.2.Value.DataType': 'Number',
      'MessageAttributes.entry.2.Value.StringValue': '0.5',
    });
    assert.match(String(req.headers.authorization), /\/eu-west-1\/sns\/aws4_request/);
  });

  it('CloudWatch: PutMetricData goes to the overridden endpoint', async () => {
    server = await fakeAws(() => ({ status: 200, contentType: 'application/x-amz-json-1.0', body: '{}' }));
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });
    const errors: unknown[] = [];
    const metrics = createCloudWatchMetrics({ cloudwatch: clients.cloudwatch, onError: (e) => errors.push(e) });

    metrics.record({ ...metric.failure('email', 'MessageRejected'), at: new Date('2026-11-22T08:00:00Z') });
    await metrics.close();

    assert.deepEqual(errors, []);
    assert.equal(server.seen.length, 1);
    const req = server.seen[0]!;
    // This CloudWatch client speaks JSON 1.0 (not the old Query protocol).
    assert.equal(req.headers['x-amz-target'], 'GraniteServiceVersion20100801.PutMetricData');
    assert.match(String(req.headers.authorization), /\/eu-west-1\/monitoring\/aws4_request/);
    assert.deepEqual(JSON.parse(req.body), {
      Namespace: 'RSystems/Notifications',
      MetricData: [
        {
          MetricName: 'DeliveryFailure',
          Dimensions: [
            { Name: 'Channel', Value: 'email' },
            { Name: 'ErrorCode', Value: 'MessageRejected' },
          ],
          Timestamp: Date.parse('2026-11-22T08:00:00Z') / 1000,
          Value: 1,
          Unit: 'Count',
        },
      ],
    });
  });

  it('without credentials the SDK default chain is used (here: the environment)', async () => {
    server = await fakeAws(() => SEND_EMAIL_OK);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENVIRONMENT';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    delete process.env.AWS_SESSION_TOKEN;
    try {
      clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint });
      await transportFor(clients).sendEmail(email);
    } finally {
      restore('AWS_ACCESS_KEY_ID', saved.id);
      restore('AWS_SECRET_ACCESS_KEY', saved.secret);
      restore('AWS_SESSION_TOKEN', saved.token);
    }
    assert.match(String(server.seen[0]!.headers.authorization), /Credential=AKIDFROMENVIRONMENT\//);
  });

  it('a real SES rejection (HTTP 400 MessageRejected) becomes a permanent DeliveryError, sent once', async () => {
    server = await fakeAws(() => queryError('MessageRejected', 400));
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });

    await assert.rejects(transportFor(clients).sendEmail(email), (err) => {
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.code, 'MessageRejected');
      assert.equal(err.permanent, true);
      assert.equal((err.cause as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 400);
      return true;
    });
    assert.equal(server.seen.length, 1);
  });

  it('a real SNS bad number (ParameterValueInvalid) becomes a permanent DeliveryError', async () => {
    server = await fakeAws(() => queryError('ParameterValueInvalid', 400));
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });

    await assert.rejects(
      transportFor(clients).sendSms({ notificationId: 7, to: '+15555550100', body: 'x' }),
      (err) => err instanceof DeliveryError && err.permanent && err.code === 'InvalidParameterValueException',
    );
  });

  it('a 500 is transient and sent exactly once: retries belong to the activity, which checks the delivery log', async () => {
    server = await fakeAws(() => queryError('InternalFailure', 500));
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });

    await assert.rejects(
      transportFor(clients).sendEmail(email),
      (err) => err instanceof DeliveryError && !err.permanent && err.code === 'InternalFailure',
    );
    assert.equal(server.seen.length, 1, 'the SDK must not retry a send on its own');
  });

  it('a refused connection is transient with the Node error code', async () => {
    const closed = await fakeAws(() => SEND_EMAIL_OK);
    const endpoint = closed.endpoint;
    await closed.close();
    clients = createAwsClients({ region: 'eu-west-1', endpoint, credentials });

    await assert.rejects(transportFor(clients).sendEmail(email), (err) => {
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.code, 'ECONNREFUSED');
      assert.equal(err.permanent, false);
      // The SDK attaches $metadata (attempts) even here, just without a status code.
      assert.equal(typeof (err.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts, 'number');
      return true;
    });
  });

  it('a CloudWatch endpoint that never answers cannot hang close()', async () => {
    server = await fakeAws(() => 'hang');
    clients = createAwsClients({ region: 'eu-west-1', endpoint: server.endpoint, credentials });
    const errors: unknown[] = [];
    const metrics = createCloudWatchMetrics({ cloudwatch: clients.cloudwatch, requestTimeoutMs: 150, onError: (e) => errors.push(e) });

    metrics.record(metric.success('sms'));
    const started = Date.now();
    await metrics.close();

    assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
    assert.equal(errors.length, 1);
  });
});

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
