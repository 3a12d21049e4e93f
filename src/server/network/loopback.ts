/** Names and addresses that only ever reach this machine. */
import { isIP } from 'node:net';

/** localhost and its subdomains, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address, as sockets report IPv4 clients of a dual-stack listener). */
export function isLoopback(hostOrAddress: string): boolean {
  const name = hostOrAddress.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(?=\d)/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}
