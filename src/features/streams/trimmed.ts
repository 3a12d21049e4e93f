import { DynamoError } from '../../protocol/errors.js';

/** A position below the stream's trim horizon: those records are gone. */
export function trimmedDataAccess(): DynamoError {
  return new DynamoError(
    'TrimmedDataAccessException',
    'The operation attempted to read past the oldest stream record in a shard.',
  );
}
