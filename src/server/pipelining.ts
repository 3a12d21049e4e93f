/**
 * One request at a time per connection. HTTP/1.1 lets a client send requests
 * without waiting for the answers (pipelining); Node parses every request
 * that has arrived and hands each to the server at once, so all of them
 * would run together, each building its answer (up to 16 MB) while the
 * answers before it wait to be sent. Node queues a pipelined request's
 * response until the answers before it have been handed to the kernel (their
 * last write completed), and only then gives it the socket ('socket'); here
 * the request itself starts then. A client that sends requests but never
 * reads the answers therefore holds at most one answer in this process, and
 * Node stops reading a socket whose writes need draining (resuming on
 * 'drain'), so the requests it sends meanwhile wait in the kernel's buffers.
 * Pipelined requests also take effect in the order they were sent (a PutItem
 * then a GetItem of the same item), as their answers come back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

type Respond = (req: IncomingMessage, res: ServerResponse) => void;

/** Runs `respond` now, or once the answers to the earlier requests on the same connection are sent. */
export function inTurn(req: IncomingMessage, res: ServerResponse, respond: Respond): void {
  // A response without its socket yet is queued behind an earlier one still being sent.
  if (res.socket !== null) respond(req, res);
  else res.once('socket', () => process.nextTick(respond, req, res));
}
