/** A broken guarantee: the crash test stops at the first one and names the seed and round. */
export class Violation extends Error {
  override readonly name = 'Violation';
}
