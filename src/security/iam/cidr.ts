/**
 * IpAddress's test: whether an address lies in a CIDR block (or equals a
 * bare address), IPv4 or IPv6. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
 * as Node reports IPv4 clients of a dual-stack socket) counts as its IPv4
 * address.
 */
import { isIP } from 'node:net';

export function cidrContains(block: string, address: string): boolean {
  const slash = block.indexOf('/');
  const base = addressBytes(slash < 0 ? block : block.slice(0, slash));
  const target = addressBytes(address);
  if (base === undefined || target === undefined || base.length !== target.length) return false;
  const bits = slash < 0 ? base.length * 8 : prefixLength(block.slice(slash + 1), base.length * 8);
  if (bits === undefined) return false;
  for (let i = 0; i < base.length; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((base[i]! & mask) !== (target[i]! & mask)) return false;
  }
  return true;
}

function prefixLength(text: string, max: number): number | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const bits = Number(text);
  return bits <= max ? bits : undefined;
}

/** The address's bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6. */
export function addressBytes(text: string): number[] | undefined {
  const kind = isIP(text);
  if (kind === 4) return text.split('.').map(Number);
  if (kind !== 6) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped !== null) return addressBytes(mapped[1]!);
  // An embedded IPv4 tail (`::1.2.3.4`) is two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  const hex = v4 === null ? text : `${text.slice(0, v4.index)}${((+v4[1]! << 8) | +v4[2]!).toString(16)}:${((+v4[3]! << 8) | +v4[4]!).toString(16)}`;
  const [head, tail] = hex.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes: number[] = [];
  for (const group of groups) {
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes.length === 16 ? bytes : undefined;
}
