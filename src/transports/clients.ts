import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';

export interface AwsClientOptions {
  region: string;
  /** One URL for all three services, e.g. LocalStack or a test server. */
  endpoint?: string;
  /** Static keys; when absent the SDK's default chain (env, profile, container/instance role) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface AwsClients {
  ses: SESClient;
  sns: SNSClient;
  cloudwatch: CloudWatchClient;
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  // Keys are only set when given: an explicit `credentials: undefined` is fine for the SDK today,
  // but leaving them out is what unambiguously selects the default provider chain.
  const config = {
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  };
  return {
    // One attempt per call: the SDK's own retries would resend a message whose response was lost,
    // unseen by the delivery log; retries belong to the activity, which checks the log first.
    ses: new SESClient({ ...config, maxAttempts: 1 }),
    sns: new SNSClient({ ...config, maxAttempts: 1 }),
    cloudwatch: new CloudWatchClient({ ...config }),
  };
}
