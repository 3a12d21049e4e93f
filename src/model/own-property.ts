/**
 * Attribute names are arbitrary, "__proto__", "constructor" and "toString"
 * included. Reading one from an item must not find Object.prototype's member
 * instead of a missing attribute.
 */
export function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/**
 * Plain assignment of the name "__proto__" would set the prototype instead,
 * so it alone is defined as an own property (defining every property is many
 * times slower than assigning).
 */
export function setOwn<T>(target: Record<string, T>, name: string, value: NoInfer<T>): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}
