/**
 * One request at a time per connection. HTTP/1.1 lets a client send requests
 * without waiting for the answers (pipelining); Node parses every request
 * that has arrived and would run them all at once, each building its answer
 * (up to 16 MB) while the answers before it wait to be sent. Here a request
 * starts only once the answer before it on the same connection has been
 * handed to the kernel ('close' of that response follows the completion of
 * its last write), so a client that sends requests but never reads the
 * answers holds at most one answer in this process. Node stops reading a
 * socket whose writes need draining and resumes on 'drain', so the requests
 * such a client sends meanwhile wait in the kernel's buffers, not here.
 * Pipelined requests also take effect in the order they were sent (a PutItem
 * then a GetItem of the same item), as their answers come back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

type Respond = (req: IncomingMessage, res: ServerResponse) => void;

interface Turns {
  busy: boolean;
  readonly waiting: (readonly [IncomingMessage, ServerResponse, Respond])[];
  /** Bound once per connection: starts the next waiting request when an answer is done. */
  readonly release: () => void;
}

const TURNS = Symbol('turns');

type PipelinedSocket = Socket & { [TURNS]?: Turns };

function turnsOf(socket: PipelinedSocket): Turns {
  const turns: Turns = {
    busy: false,
    waiting: [],
    release() {
      turns.busy = false;
      for (let entry = turns.waiting.shift(); entry !== undefined; entry = turns.waiting.shift()) {
        // A connection closed meanwhile takes its waiting requests with it.
        if (socket.destroyed) continue;
        start(turns, ...entry);
        return;
      }
    },
  };
  socket[TURNS] = turns;
  return turns;
}

function start(turns: Turns, req: IncomingMessage, res: ServerResponse, respond: Respond): void {
  turns.busy = true;
  res.on('close', turns.release);
  respond(req, res);
}

/** Runs `respond` now, or once the answers to the earlier requests on the same connection are sent. */
export function inTurn(req: IncomingMessage, res: ServerResponse, respond: Respond): void {
  const socket = req.socket as PipelinedSocket;
  const turns = socket[TURNS] ?? turnsOf(socket);
  if (!turns.busy) {
    start(turns, req, res, respond);
    return;
  }
  turns.waiting.push([req, res, respond]);
}
