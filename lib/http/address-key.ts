import { normaliseAddress } from "./forwarded";

/**
 * The key a client address is limited by (sign-in limits, the anonymous audit budget):
 * an IPv4 address as is, an IPv6 address by its /64. A host is normally given a whole
 * /64, so keying by the full IPv6 address would let one host rotate through 2^64
 * addresses and never meet a per-address limit. Anything that is not an IP address
 * (including "unknown") is "unknown": no caller text ever becomes a key.
 */
export function limitKey(address: string | null | undefined): string {
  const ip = normaliseAddress(address);
  if (!ip) return "unknown";
  if (!ip.includes(":")) return ip;
  // Expand "::" to the zero groups it stands for; an embedded IPv4 tail is two groups.
  const [head, tail] = ip.includes("::") ? ip.split("::", 2) : [ip, null];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const tailGroups = t.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const groups = tail === null ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - tailGroups)).fill("0"), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
