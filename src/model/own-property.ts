/**
 * Attribute names are arbitrary, "__proto__" included: plain assignment of that
 * name would set the prototype instead, so it alone is defined as an own
 * property (defining every property is many times slower than assigning).
 */
export function setOwn<T>(target: Record<string, T>, name: string, value: NoInfer<T>): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}
