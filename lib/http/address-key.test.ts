import { describe, expect, it } from "vitest";
import { limitKey } from "./address-key";

describe("the key an address is limited by", () => {
  it("is an IPv4 address itself", () => {
    expect(limitKey("203.0.113.7")).toBe("203.0.113.7");
    expect(limitKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("is the /64 of an IPv6 address, however it is written", () => {
    expect(limitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:0DB8:0001:0002::ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKey("[2001:db8:1:2::1]:443")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
    expect(limitKey("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
    expect(limitKey("2001:db8:1:3::1")).not.toBe(limitKey("2001:db8:1:2::1"));
  });

  it("is 'unknown' for anything that is not an address", () => {
    for (const v of [null, undefined, "", "unknown", "not an address", "1.2.3.4\nforged", "a".repeat(5000)]) expect(limitKey(v)).toBe("unknown");
  });
});
