/**
 * Failures of the store itself, not of the request: a commit the disk could
 * not take, a damaged data file. The server answers them with DynamoDB's
 * InternalServerError (retryable) and logs them; nothing acknowledged is lost.
 */
export class StorageFault extends Error {}

/** A stored value that fails its checksum: the data file is damaged where it lies. */
export class DamagedValue extends StorageFault {
  constructor(
    /** The value as stored, its checksum bytes included. */
    readonly bytes: Uint8Array,
  ) {
    super('a stored value fails its checksum: the data file is damaged (run dynalith check)');
  }
}

/** A commit the store could not write (a full disk, an I/O error): nothing of it was applied, and it may succeed later. */
export class CommitFailed extends StorageFault {}

/** The store's database cannot be reached (a remote backend): answered 503, which clients retry. */
export class StorageUnavailable extends StorageFault {}

/**
 * A transaction that kept conflicting with concurrent ones (a database's
 * serialisation failures) past every retry: nothing of it was applied. The
 * API answers as DynamoDB does under contention: TransactionConflict.
 */
export class StorageContention extends StorageFault {}
