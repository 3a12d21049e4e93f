/**
 * The audit log (`--audit-log FILE`): every API call that passed
 * authentication, as one CloudTrail record per line. Management events are
 * always logged; data events (item reads and writes, PartiQL, Streams'
 * GetRecords and GetShardIterator) only with `--audit-data-events`, as a
 * trail logs them only when asked. Logging never fails or delays a call:
 * a record that cannot be built is skipped with a warning, and the writer
 * never waits for the disk.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Namespace } from '../../operations/operation.js';
import type { Principal } from '../../security/principal.js';
import { auditRecord, DATA_EVENTS, type AuditedCall } from './audit-record.js';
import { AuditWriter, RotatingFile } from './audit-writer.js';
import type { KeyNames } from './request-parameters.js';

/** How long a shutdown waits for queued records to reach a slow disk. */
const CLOSE_TIMEOUT_MS = 5000;

/** What the HTTP request tells of its caller (server/http-server.ts builds it). */
export interface CallOrigin {
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  /** The access key the request names, for the principal until authentication provides one. */
  readonly accessKeyId: string;
  readonly tls: AuditedCall['tls'];
}

/** One finished call, as the dispatcher knows it. */
export interface FinishedCall {
  readonly at: number;
  readonly eventSource: string;
  readonly operation: string;
  readonly namespace: Namespace;
  readonly origin: CallOrigin;
  readonly body: Readonly<Record<string, unknown>>;
  readonly requestId: string;
  /** The response's JSON text, if the call succeeded. */
  readonly answer: string | undefined;
  readonly error: AuditedCall['error'];
}

export class AuditLog {
  private readonly writer: AuditWriter;

  constructor(
    path: string,
    private readonly config: Pick<Config, 'auditDataEvents' | 'auditLogMaxBytes' | 'auditLogFiles'>,
    private readonly logger: Logger,
    private readonly keyNames: (namespace: Namespace) => KeyNames,
  ) {
    const warn = (message: string, error?: unknown) => logger.warn(error === undefined ? {} : { err: error }, message);
    this.writer = new AuditWriter(new RotatingFile({ path, maxBytes: config.auditLogMaxBytes, files: config.auditLogFiles }), warn);
  }

  /** Whether calls of this operation are logged (data events only with --audit-data-events). */
  covers(operation: string): boolean {
    return this.config.auditDataEvents || !DATA_EVENTS.has(operation);
  }

  record(call: FinishedCall): void {
    try {
      const data = DATA_EVENTS.has(call.operation);
      // CloudTrail shows the response of a management call that changed something (CreateTable's tableDescription, ...).
      const response = call.answer !== undefined && !data && !/^(Describe|List|Get)/.test(call.operation) ? (JSON.parse(call.answer) as Record<string, unknown>) : undefined;
      this.writer.write(
        JSON.stringify(
          auditRecord({
            at: call.at,
            eventSource: call.eventSource,
            operation: call.operation,
            region: call.namespace.region,
            principal: principalOf(call.namespace, call.origin.accessKeyId),
            sourceIp: call.origin.sourceIp,
            userAgent: call.origin.userAgent,
            tls: call.origin.tls,
            body: call.body,
            requestId: call.requestId,
            response,
            error: call.error,
            keyNames: this.keyNames(call.namespace),
          }),
        ),
      );
    } catch (error) {
      this.logger.warn({ err: error, requestId: call.requestId }, 'audit log: the record could not be built');
    }
  }

  /** Lines dropped so far (queue full or file not writable). */
  get dropped(): number {
    return this.writer.dropped;
  }

  close(): Promise<void> {
    return this.writer.close(CLOSE_TIMEOUT_MS);
  }
}

/**
 * The caller: the principal authentication put in the namespace (an
 * anonymous one with `--auth none`), or, for a call that did not pass
 * through authentication, the account's anonymous caller with the access key
 * the request names.
 */
export function principalOf(namespace: Namespace, accessKeyId: string): Principal {
  if (namespace.principal !== undefined) return namespace.principal;
  return {
    accessKeyId,
    account: namespace.account,
    arn: `arn:aws:iam::${namespace.account}:root`,
    type: 'Anonymous',
    principalId: namespace.account,
    tags: {},
    policies: [],
  };
}
