/**
 * Delivery of alarm notifications to the configured webhooks (--alarm-webhook,
 * Dynalith's stand-in for SNS): one JSON POST per URL, in the background.
 * A URL that fails (refused, timed out, not a 2xx) is logged and tried again
 * after 0.25, 0.5 and 1 s; nobody waits for a delivery, so a webhook that is
 * down never holds up an evaluation or a request, and its retries' timers do
 * not keep a stopping process alive.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.js';

const ATTEMPTS = 4;
const FIRST_RETRY_MS = 250;
const ATTEMPT_TIMEOUT_MS = 5000;

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
  });
  // The body is not needed; reading it frees the connection.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`answered ${response.status}`);
}

async function deliver(url: string, body: string, logger: Logger, context: object): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await post(url, body);
      return;
    } catch (error) {
      if (attempt === ATTEMPTS) {
        logger.warn({ err: error, url, ...context }, `alarm webhook failed ${ATTEMPTS} times; notification dropped`);
        return;
      }
      logger.debug({ err: error, url, attempt, ...context }, 'alarm webhook failed; retrying');
      await sleep(FIRST_RETRY_MS * 2 ** (attempt - 1), undefined, { ref: false });
    }
  }
}

/** Starts delivering `message` to every URL; resolves once all deliveries ended (delivered or given up), never rejects. */
export function postToWebhooks(urls: readonly string[], message: object, logger: Logger, context: object = {}): Promise<void> {
  const body = JSON.stringify(message);
  return Promise.all(urls.map((url) => deliver(url, body, logger, context))).then(() => undefined);
}
