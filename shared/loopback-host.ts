/**
 * Whether a host name or address is this machine's loopback: 127.0.0.0/8,
 * ::1 (and IPv4-mapped ::ffff:127.x), localhost. Plain HTTP is acceptable only
 * there: nothing leaves the machine. Takes a URL's hostname (IPv6 in brackets
 * or not).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  // An IPv4-mapped address as a URL writes it: [::ffff:7f00:1] is 127.0.0.1.
  const hex = /^([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(v4);
  if (h.startsWith('::ffff:') && hex !== null) return parseInt(hex[1]!, 16) >> 8 === 127;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return m !== null && Number(m[1]) === 127 && m.slice(2).every((part) => Number(part) <= 255);
}
