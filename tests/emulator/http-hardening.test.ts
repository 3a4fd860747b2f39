import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateThingCommand, IoTClient, ListThingsCommand } from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { startEmulator, type RunningEmulator } from "../../emulator/emulator";
import { startHarness, type Harness } from "./harness";

/**
 * The emulator's own surface: a web page the operator visits must not drive it (a
 * `no-cors` POST carries `Origin` and the browser's `Sec-Fetch-Site`; SDKs and the CLI send
 * neither), a hostile DNS name must not reach it (Host check), bodies are bounded and
 * refused as soon as they pass the limit, and a body of the wrong type is refused rather
 * than silently ignored.
 */
let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  data.destroy();
  await h.stop();
});

/** The credential in the query string, as a page could put it. */
const cred = (service: string) => `X-Amz-Credential=${encodeURIComponent(`AKID/20261203/us-east-1/${service}/aws4_request`)}`;

interface RawAnswer {
  status: number;
  errorType?: string;
  body: string;
}

function raw(emulator: RunningEmulator, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: emulator.httpPort, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, errorType: res.headers["x-amzn-errortype"] as string | undefined, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function thingExists(name: string): Promise<boolean> {
  const out = await h.iot.send(new ListThingsCommand({ maxResults: 250 }));
  return (out.things ?? []).some((t) => t.thingName === name);
}

describe("requests from web pages", () => {
  it("refuses a no-cors POST from a foreign page (Origin) and changes nothing", async () => {
    const r = await raw(
      h.emulator,
      "POST",
      `/things/from-a-page?${cred("iot")}`,
      { Origin: "https://evil.example", "Content-Type": "text/plain;charset=UTF-8" },
      "{}",
    );
    expect(r.status).toBe(403);
    expect(r.errorType).toBe("AccessDeniedException");
    expect(await thingExists("from-a-page")).toBe(false);
  });

  it("refuses a page's request that has no Origin but the browser's fetch metadata", async () => {
    const r = await raw(h.emulator, "POST", `/things/from-a-page-2?${cred("iot")}`, { "Sec-Fetch-Site": "cross-site" });
    expect(r.status).toBe(403);
    expect(await thingExists("from-a-page-2")).toBe(false);
  });

  it("refuses a page that tries to change desired shadow state", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "shadowed" }));
    await data.send(new UpdateThingShadowCommand({ thingName: "shadowed", payload: new TextEncoder().encode('{"state":{"desired":{"mode":"safe"}}}') }));
    const r = await raw(h.emulator, "POST", `/things/shadowed/shadow?${cred("iotdata")}`, { Origin: "null" }, '{"state":{"desired":{"mode":"evil"}}}');
    expect(r.status).toBe(403);
    const doc = JSON.parse(new TextDecoder().decode((await data.send(new GetThingShadowCommand({ thingName: "shadowed" }))).payload));
    expect(doc.state.desired.mode).toBe("safe");
  });

  it("refuses fault injection from any page, even a same-site one", async () => {
    const r = await raw(
      h.emulator,
      "POST",
      "/_emulator/faults",
      { Origin: `http://127.0.0.1:${h.emulator.httpPort}` },
      '{"service":"iot","code":"ThrottlingException"}',
    );
    expect(r.status).toBe(403);
    const list = (await (await fetch(`${h.emulator.endpoint}/_emulator/faults`)).json()) as { faults: unknown[] };
    expect(list.faults).toEqual([]);
  });

  it("refuses a Host that is not one of its names (DNS rebinding)", async () => {
    const r = await raw(h.emulator, "GET", `/things?${cred("iot")}`, { Host: "rebind.evil.example:4566" });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/EMULATOR_ALLOWED_HOSTS/);
    expect((await raw(h.emulator, "GET", `/things?${cred("iot")}`, { Host: `localhost:${h.emulator.httpPort}` })).status).toBe(200);
  });

  it("answers an allow-listed origin, with CORS headers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-origin-"));
    const emu = await startEmulator({
      host: "127.0.0.1",
      httpPort: 0,
      mqttPort: 0,
      dataDir: dir,
      region: "us-east-1",
      accountId: "000000000000",
      allowedOrigins: ["https://tool.example"],
    });
    try {
      const ok = await raw(emu, "GET", `/things?${cred("iot")}`, { Origin: "https://tool.example" });
      expect(ok.status).toBe(200);
      const other = await raw(emu, "GET", `/things?${cred("iot")}`, { Origin: "https://other.example" });
      expect(other.status).toBe(403);
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("request bodies", () => {
  it("answers 413 at once when Content-Length is over the limit, without reading the body", async () => {
    const r = await raw(h.emulator, "POST", `/things/huge?${cred("iot")}`, { "Content-Type": "application/json", "Content-Length": String(50 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.errorType).toBe("RequestEntityTooLargeException");
  });

  it("answers 413 as soon as a streamed body passes the limit, before the body ends, and keeps serving", async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: h.emulator.httpPort,
          method: "POST",
          path: `/things/streamed?${cred("iot")}`,
          headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", () => undefined); // the emulator closes the connection after its answer
      // 2 MiB (the limit is 1 MiB), and the request is never ended: only an answer given
      // as soon as the limit is passed can arrive.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 32; i++) req.write(chunk);
      setTimeout(() => reject(new Error("no answer")), 20_000).unref();
    });
    expect(answer).toBe(413);
    const out = await h.iot.send(new ListThingsCommand({}));
    expect(out.things).toBeDefined();
  });

  it("refuses a JSON operation's body sent as text/plain instead of ignoring it", async () => {
    const r = await raw(h.emulator, "POST", `/things/typed?${cred("iot")}`, { "Content-Type": "text/plain" }, '{"attributePayload":{"attributes":{"a":"b"}}}');
    expect(r.status).toBe(415);
    expect(await thingExists("typed")).toBe(false);
  });

  it("refuses a JSON operation's body with no Content-Type", async () => {
    const r = await raw(h.emulator, "POST", `/things/untyped?${cred("iot")}`, {}, '{"attributePayload":{"attributes":{"a":"b"}}}');
    expect(r.status).toBe(415);
    expect(await thingExists("untyped")).toBe(false);
  });

  it("takes a JSON body with no Content-Type when it is signed in the Authorization header (older SDKs; a page cannot send one)", async () => {
    const auth = "AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/iot/aws4_request, SignedHeaders=host, Signature=00";
    const r = await raw(h.emulator, "POST", "/things/signed-untyped", { Authorization: auth }, '{"attributePayload":{"attributes":{"a":"b"}}}');
    expect(r.status).toBe(200);
    expect(await thingExists("signed-untyped")).toBe(true);
  });

  it("answers 400 SerializationException for a body that is not JSON", async () => {
    const r = await raw(h.emulator, "POST", `/things/broken?${cred("iot")}`, { "Content-Type": "application/json" }, "{not json");
    expect(r.status).toBe(400);
    expect(r.errorType).toBe("SerializationException");
  });

  it("takes a shadow payload with no Content-Type, as the AWS CLI sends it", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "cli-shadow" }));
    const r = await raw(h.emulator, "POST", `/things/cli-shadow/shadow?${cred("iotdata")}`, {}, '{"state":{"reported":{"ok":true}}}');
    expect(r.status).toBe(200);
    const refused = await raw(
      h.emulator,
      "POST",
      `/things/cli-shadow/shadow?${cred("iotdata")}`,
      { "Content-Type": "application/x-www-form-urlencoded" },
      '{"state":{"reported":{"ok":false}}}',
    );
    expect(refused.status).toBe(415);
    expect(refused.errorType).toBe("UnsupportedDocumentEncodingException");
  });
});
