/**
 * IPv4 and IPv6 addresses and CIDR blocks for the `cidr` operator, parsed by hand so that a filter needs no
 * dependency and never throws on a hostile value (`net.isIP` would accept zone ids such as `fe80::1%eth0`).
 */

/** An address as a number of `bits` (32 or 128) bits. */
export interface IpAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

/** A CIDR block: the addresses whose first `maskBits` bits equal those of `network`. */
export interface CidrBlock {
  readonly bits: 32 | 128;
  readonly network: bigint;
  readonly maskBits: number;
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 address (no leading zeros, as EventBridge requires); `undefined` if it is not one. */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Parses an IPv6 address, `::` compression and a trailing dotted IPv4 included; `undefined` if it is not one. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length > 45 || text.length < 2) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const groups = [...head, ...tail];
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? '';
    const isLast = i === groups.length - 1;
    if (isLast && group.includes('.')) {
      const ipv4 = parseIpv4(group);
      if (ipv4 === undefined) return undefined;
      words.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
      continue;
    }
    if (!HEX_GROUP.test(group)) return undefined;
    words.push(Number.parseInt(group, 16));
  }
  const compressed = halves.length === 2;
  if (compressed ? words.length > 7 : words.length !== 8) return undefined;
  const headWords = countWords(head);
  const missing = 8 - words.length;
  const full = compressed
    ? [...words.slice(0, headWords), ...new Array<number>(missing).fill(0), ...words.slice(headWords)]
    : words;
  let value = 0n;
  for (const word of full) value = (value << 16n) | BigInt(word);
  return value;
}

function countWords(groups: readonly string[]): number {
  let count = 0;
  for (const group of groups) count += group.includes('.') ? 2 : 1;
  return count;
}

/** Parses either family; `undefined` when `text` is no address. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { bits: 32, value };
}

/** True when `address` lies in `block` (an IPv4 address never lies in an IPv6 block, nor the reverse). */
export function isInCidrBlock(block: CidrBlock, address: IpAddress): boolean {
  if (block.bits !== address.bits) return false;
  const shift = BigInt(block.bits - block.maskBits);
  return address.value >> shift === block.network >> shift;
}
