/** `--allow-from`: the client addresses (IPv4 and IPv6 CIDR blocks) a server answers. */
import { BlockList, isIP } from 'node:net';
import { UsageError } from '../../usage-error.js';

export interface AddressList {
  has(address: string): boolean;
}

/**
 * A list of CIDR blocks (`10.0.0.0/8`, `fd00::/8`) or single addresses;
 * UsageError for anything else. An IPv4 block also matches the IPv4-mapped
 * IPv6 form of its addresses, which a dual-stack socket reports.
 */
export function parseAddressList(entries: readonly string[]): AddressList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.trim().split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits))) {
      throw new UsageError(`--allow-from takes CIDR blocks such as 10.0.0.0/8 or fd00::/8, got '${entry}'`);
    }
    list.addSubnet(address, prefix === undefined ? bits : Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    has(address) {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
