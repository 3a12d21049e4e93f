/**
 * The properties every answer must have, whatever was asked: a 200, or an
 * error of DynamoDB's own set (the registry's type, status and message
 * member) whose text shows no JavaScript internals; an answer at all (no
 * dropped connection, no hang); and no more server CPU than a bound that only
 * pathological work reaches.
 */
import assert from 'node:assert/strict';
import { DynamoError, type ErrorName } from '../../../src/protocol/errors.js';
import { rawRequest, type RawResponse } from '../raw.js';

/**
 * The most CPU one generated request may cost the process that serves it.
 * Generated bodies are at most a few hundred KB and typically cost well
 * under 10 ms; a second is far beyond any GC pause on these small heaps and
 * is reached only by super-linear work (a quadratic parse of a few thousand
 * tokens costs seconds). It is CPU time, not wall-clock time, so a busy
 * machine does not inflate it; requests are sent one at a time and each test
 * file has its own process, so the process's CPU over one request is that
 * request's.
 */
export const CPU_BOUND_MS = 1000;

/**
 * Only for an answer that never comes (a hang spends no CPU): a request within
 * the CPU bound is answered within seconds even on a loaded 2-core machine.
 */
const DEADLINE_MS = 30_000;

// Texts that only a JavaScript error would put into a message.
const INTERNALS = /\[object |undefined is not|Cannot read propert|is not a function|is not iterable|Maximum call stack|TypeError|RangeError|SyntaxError: /;

/** The request that cost the most CPU since the last call of takeHeaviest(), for DYNALITH_FUZZ_REPORT. */
let heaviest = { cpuMs: 0, request: '' };

export function takeHeaviest(): { cpuMs: number; request: string } {
  const taken = heaviest;
  heaviest = { cpuMs: 0, request: '' };
  return taken;
}

export interface Answer extends RawResponse {
  /** CPU spent by this process while the request was served (undefined against an external server). */
  readonly cpuMs: number | undefined;
  /** The error's type name (after the `#`), for an error answer. */
  readonly error: string | undefined;
  /** The error's message (from `message` or `Message`), for an error answer. */
  readonly message: string | undefined;
}

/**
 * Sends one request and checks the properties every answer has. `inProcess`
 * says the server runs in this process, so its CPU can be measured.
 * `context` describes the request for the failure message.
 */
export async function exchange(
  endpoint: string,
  target: string,
  body: string | Buffer,
  options: { readonly inProcess: boolean; readonly headers?: Record<string, string>; readonly mayBeUndecodable?: boolean },
): Promise<Answer> {
  const before = process.cpuUsage();
  let res: RawResponse;
  try {
    res = await rawRequest(endpoint, { target, body, deadlineMs: DEADLINE_MS, ...(options.headers ? { headers: options.headers } : {}) });
  } catch (error) {
    assert.fail(`no answer (${(error as Error).message}) to ${target} ${describe(body)}`);
  }
  const spent = process.cpuUsage(before);
  const cpuMs = options.inProcess ? (spent.user + spent.system) / 1000 : undefined;
  const answer = options.mayBeUndecodable && res.status === 500 ? undecodable(res, `${target} ${describe(body)}`) : checkAnswer(res, `${target} ${describe(body)}`, options.inProcess);
  if (cpuMs !== undefined && cpuMs > heaviest.cpuMs) heaviest = { cpuMs, request: `${target} ${body.toString().slice(0, 200)}` };
  if (cpuMs !== undefined) assert.ok(cpuMs < CPU_BOUND_MS, `${cpuMs.toFixed(0)} ms of CPU (bound ${CPU_BOUND_MS}) for ${target} ${describe(body)}`);
  return { ...res, ...answer, cpuMs };
}

/** A body short enough to read in a failure message. */
export function describe(body: string | Buffer): string {
  const text = body.toString();
  return text.length > 2000 ? `${text.slice(0, 2000)}... (${text.length} characters)` : text;
}

/**
 * DynamoDB's one 500 that is not a failure: a request body in an unknown
 * coding, or one that does not decode (see src/server/compression.ts).
 */
function undecodable(res: RawResponse, context: string): { error: string; message: string } {
  assert.deepEqual(res.json(), { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }, context);
  return { error: 'InternalServerError', message: 'Internal server error' };
}

/** Whether `type` (with its namespace) and `status` are an error of the registry's, and which. */
function registered(type: string, status: number): DynamoError | undefined {
  const name = type.slice(type.indexOf('#') + 1) as ErrorName;
  const error = new DynamoError(name, '');
  try {
    return error.fullType === type && error.status === status ? error : undefined;
  } catch {
    return undefined; // not a registered name at all
  }
}

/**
 * Checks one answer: a 200 with a JSON body (or none), or one of DynamoDB's
 * 4xx errors. `ours` also checks the message member's spelling, which
 * DynamoDB Local gets wrong for some errors.
 */
export function checkAnswer(res: RawResponse, context: string, ours = true): { error: string | undefined; message: string | undefined } {
  const where = `${context}\nanswer ${res.status}: ${describe(res.body)}`;
  if (res.status === 200) {
    // TagResource and UntagResource answer an empty body, as DynamoDB's do.
    if (res.body.length > 0) assert.doesNotThrow(() => res.json(), `not JSON: ${where}`);
    return { error: undefined, message: undefined };
  }
  assert.ok(res.status >= 400 && res.status < 500, `not a 200 or a 4xx: ${where}`);
  let body: Record<string, unknown>;
  try {
    body = res.json();
  } catch {
    assert.fail(`an error that is not JSON: ${where}`);
  }
  const type = String(body.__type);
  const error = registered(type, res.status);
  assert.ok(error, `not one of DynamoDB's errors (type and status): ${where}`);
  const member = error.messageMember;
  const other = member === 'message' ? 'Message' : 'message';
  if (ours) assert.ok(!(other in body), `the message is spelled ${other}, DynamoDB spells it ${member}: ${where}`);
  const message = body[member] ?? body[other];
  assert.ok(message === undefined || typeof message === 'string', where);
  if (message !== undefined) assert.doesNotMatch(message, INTERNALS, `a JavaScript error's text: ${where}`);
  return { error: type.slice(type.indexOf('#') + 1), message };
}
