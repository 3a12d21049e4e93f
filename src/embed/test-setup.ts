/**
 * A global setup for test runners: one in-memory server for the whole run,
 * named in the environment variables the AWS SDKs read, so test code
 * creates clients as it would for DynamoDB. Vitest: `globalSetup:
 * ['dynalith/test-setup']` (the function's answer is its teardown). Jest:
 * `globalSetup: 'dynalith/test-setup'` and `globalTeardown:
 * 'dynalith/test-teardown'`.
 *
 * Set: AWS_ENDPOINT_URL_DYNAMODB (the SDKs' endpoint for DynamoDB alone),
 * DYNALITH_ENDPOINT, and, where unset, AWS_REGION, AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY.
 */
import { startDynalith, type RunningDynalith } from './start-dynalith.js';

const RUNNING = Symbol.for('dynalith.test-setup');

type Holder = { [RUNNING]?: RunningDynalith };

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startDynalith();
  (globalThis as Holder)[RUNNING] = server;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = server.endpoint;
  process.env.DYNALITH_ENDPOINT = server.endpoint;
  process.env.AWS_REGION ??= server.region;
  process.env.AWS_ACCESS_KEY_ID ??= server.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= server.credentials.secretAccessKey;
  return teardown;
}

/** Stops the server the setup started (Jest's globalTeardown; Vitest calls it through setup's answer). */
export async function teardown(): Promise<void> {
  const holder = globalThis as Holder;
  const server = holder[RUNNING];
  delete holder[RUNNING];
  await server?.close();
}
