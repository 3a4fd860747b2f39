import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateThingCommand, DescribeThingCommand, DescribeThingTypeCommand, IoTClient } from "@aws-sdk/client-iot";
import { startHarness, type Harness } from "./harness";

/**
 * Control-plane request bodies nested far deeper than any AWS IoT request shape. They
 * parse (V8's JSON.parse copes with any depth), but serialising them (a validation
 * message that quotes the value, the store) or walking them overflows the stack. The
 * SDK cannot send such bodies, so they are sent as any client could, signed for `iot`.
 */

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(async () => {
  await h.stop();
});

const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iot/aws4_request, SignedHeaders=host, Signature=0";
const deep = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

async function post(path: string, body: string): Promise<{ status: number; type: string | null; message: string }> {
  const res = await fetch(`${h.emulator.endpoint}${path}`, { method: "POST", body, headers: { authorization: AUTH, "content-type": "application/json" } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("x-amzn-errortype"), message: (JSON.parse(text) as { message?: string }).message ?? "" };
}

describe("deeply nested control-plane bodies", () => {
  it.each([10_000, 100_000])("refuse %i levels with 400 InvalidRequestException, store nothing, and keep serving", async (levels) => {
    const d = deep(levels);
    const cases: Array<[string, string]> = [
      // A wrong-typed member is quoted in the validation message.
      [`/things/deep-a-${levels}`, `{"thingTypeName":${d}}`],
      // Kept as sent, then stored.
      [`/thing-types/deep-t-${levels}`, `{"thingTypeProperties":{"mqtt5Configuration":{"propagatingAttributes":${d}}}}`],
      ["/indexing/config", `{"thingIndexingConfiguration":{"thingIndexingMode":"REGISTRY","filter":{"connectivity":${d}}}}`],
      ["/indices/search", `{"queryString":${d}}`],
    ];
    for (const [path, body] of cases) {
      const r = await post(path, body);
      expect(r, path).toEqual({ status: 400, type: "InvalidRequestException", message: "The request body is nested more than 32 levels deep" });
    }
    const failure = (call: Promise<unknown>) =>
      call.then(
        () => "found",
        (e: { name?: string }) => e.name,
      );
    expect(await failure(h.iot.send(new DescribeThingCommand({ thingName: `deep-a-${levels}` })))).toBe("ResourceNotFoundException");
    expect(await failure(h.iot.send(new DescribeThingTypeCommand({ thingTypeName: `deep-t-${levels}` })))).toBe("ResourceNotFoundException");
    // Later writes are stored and answered as usual.
    const name = `deep-after-${levels}`;
    await h.iot.send(new CreateThingCommand({ thingName: name, attributePayload: { attributes: { a: "1" } } }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: name }))).attributes).toEqual({ a: "1" });
  });

  it("still accepts ordinary nesting", async () => {
    const r = await fetch(`${h.emulator.endpoint}/thing-types/deep-ok`, {
      method: "POST",
      body: JSON.stringify({ thingTypeProperties: { thingTypeDescription: "ok", searchableAttributes: ["a"] } }),
      headers: { authorization: AUTH, "content-type": "application/json" },
    });
    expect(r.status).toBe(200);
  });
});
