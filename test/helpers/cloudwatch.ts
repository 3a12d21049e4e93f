/** A CloudWatch client (JSON protocol, as @aws-sdk/client-cloudwatch speaks it) for a test server, without retries. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

export function cloudWatchClient(endpoint: string, region = 'us-east-1'): CloudWatchClient {
  return new CloudWatchClient({ endpoint, region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}
