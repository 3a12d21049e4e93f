/** Bad command-line input: the `dynalith` commands print its message and exit with code 2. */
export class UsageError extends Error {}
