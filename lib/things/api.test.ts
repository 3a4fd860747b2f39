import { describe, expect, it } from "vitest";
import { firstIssueMessage } from "@/lib/http/contract";
import { thingsQuerySchema, thingsRoute } from "./api";

const query = (url: string) => {
  const parsed = thingsQuerySchema.safeParse(Object.fromEntries(new URL(url, "http://x").searchParams));
  return parsed.success ? { ok: true, ...parsed.data } : { ok: false, message: firstIssueMessage(parsed.error) };
};

describe("GET /api/things contract", () => {
  it("round-trips filters and token through the URL", () => {
    const filters = { type: "gateway", attribute: { name: "site", value: "paris/b=1", prefix: true }, size: 250 };
    const token = "AQID+/token==";
    expect(query(thingsRoute.url(filters, token))).toEqual({ ok: true, filters, nextToken: token });
    expect(query(thingsRoute.url({ type: null, attribute: null, size: 25 }, null))).toEqual({
      ok: true,
      filters: { type: null, attribute: null, size: 25 },
      nextToken: null,
    });
  });

  it("rejects bad input with a message for a person", () => {
    expect(query("/api/things?size=abc")).toEqual({ ok: false, message: "size: a number." });
    expect(query("/api/things?size=30").ok).toBe(false);
    expect(query("/api/things?attr=site&value=a%20b")).toMatchObject({ ok: false, message: expect.stringMatching(/spaces/) });
    expect(query("/api/things?prefix=yes")).toEqual({ ok: false, message: "prefix: Use 1 or 0." });
    expect(query("/api/things?tpye=gateway")).toEqual({ ok: false, message: "Unknown query parameter(s): tpye." });
    expect(query("/api/things?nextToken=a%20b").ok).toBe(false);
  });
});
