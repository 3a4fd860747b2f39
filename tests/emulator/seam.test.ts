import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DescribeEndpointCommand, IoTClient, ListThingsCommand, ThrottlingException } from "@aws-sdk/client-iot";
import { Router } from "../../emulator/server/router";
import { AwsError } from "../../emulator/server/errors";
import { awsJson1_1 } from "../../emulator/server/protocol";
import type { EmulatorService } from "../../emulator/service";
import { Regions } from "../../emulator/server/regions";
import { Store } from "../../emulator/store/store";
import { SERVICES } from "../../emulator/services/registry";
import { expectAwsError, startHarness, type Harness } from "./harness";

/**
 * The service seam: a toy awsJson1_1 service (routed by X-Amz-Target, `__type` errors)
 * registered for this test only, faults aimed at an operation, request counts and
 * metrics keyed by operation.
 */
const toy: EmulatorService = {
  name: "toy",
  signingNames: ["toy"],
  protocol: awsJson1_1("Toy_20240101"),
  errors: { NoSuchItemException: 404 },
  kinds: [{ kind: "toy.item", version: 0 }],
  createRegion({ store, region }) {
    const router = new Router()
      .add("PutItem", "POST", "/", (ctx) => {
        const body = ctx.body as { id: string; value: unknown };
        store.put("toy.item", body.id, { value: body.value });
        return { body: { region } };
      })
      .add("GetItem", "POST", "/", (ctx) => {
        const { id } = ctx.body as { id: string };
        const item = store.get<{ value: unknown }>("toy.item", id);
        if (!item) throw new AwsError("NoSuchItemException", `No item ${id}`);
        return { body: item };
      });
    return { router };
  },
};

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient, { extraServices: [toy] });
});
afterAll(() => h.stop());

function callToy(target: string, body: unknown, region = "us-east-1") {
  return fetch(`${h.emulator.endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": target,
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${region}/toy/aws4_request, SignedHeaders=host;x-amz-target, Signature=00`,
    },
    body: JSON.stringify(body),
  });
}
const admin = (path: string, init?: RequestInit) => fetch(`${h.emulator.endpoint}/_emulator/${path}`, init);

describe("an awsJson1_1 service through the seam", () => {
  it("routes by X-Amz-Target, keeps state per region and answers errors with __type", async () => {
    const put = await callToy("Toy_20240101.PutItem", { id: "a", value: 7 });
    expect(put.status).toBe(200);
    expect(put.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await put.json()).toEqual({ region: "us-east-1" });
    expect(await (await callToy("Toy_20240101.GetItem", { id: "a" })).json()).toEqual({ value: 7 });

    const missing = await callToy("Toy_20240101.GetItem", { id: "a" }, "eu-west-1");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ __type: "NoSuchItemException", message: "No item a" });

    const unknown = await callToy("Toy_20240101.Explode", {});
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe("UnknownOperationException");
    const wrongPrefix = await callToy("Other_1.PutItem", {});
    expect(((await wrongPrefix.json()) as { __type: string }).__type).toBe("UnknownOperationException");
  });
});

describe("named operations", () => {
  it("aims a fault at one operation", async () => {
    await admin("faults", {
      method: "POST",
      body: JSON.stringify({ service: "iot", operation: "DescribeEndpoint", code: "ThrottlingException", remaining: 1 }),
    });
    await h.iot.send(new ListThingsCommand({})); // another operation of the same service is not hit
    await expectAwsError(h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" })), ThrottlingException, 400);
    await h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));

    await admin("faults", {
      method: "POST",
      body: JSON.stringify({ service: "toy", operation: "GetItem", code: "ThrottlingException", status: 400, remaining: 1 }),
    });
    expect((await callToy("Toy_20240101.PutItem", { id: "b", value: 1 })).status).toBe(200);
    const faulted = await callToy("Toy_20240101.GetItem", { id: "b" });
    expect(((await faulted.json()) as { __type: string }).__type).toBe("ThrottlingException");
  });

  it("counts requests and keeps metrics by service and operation", async () => {
    await admin("requests", { method: "DELETE" });
    await admin("metrics", { method: "DELETE" });
    await callToy("Toy_20240101.PutItem", { id: "c", value: 1 });
    await callToy("Toy_20240101.GetItem", { id: "c" });
    await callToy("Toy_20240101.GetItem", { id: "nope" });
    await h.iot.send(new ListThingsCommand({}));
    const { counts } = (await (await admin("requests")).json()) as { counts: Record<string, number> };
    expect(counts).toEqual({ "toy PutItem": 1, "toy GetItem": 2, "iot ListThings": 1 });
    const { operations } = (await (await admin("metrics")).json()) as {
      operations: Record<string, { count: number; errors: Record<string, number>; latencyMs: { max: number } }>;
    };
    expect(Object.keys(operations).sort()).toEqual(["iot ListThings", "toy GetItem", "toy PutItem"]);
    expect(operations["toy GetItem"]).toMatchObject({ count: 2, errors: { NoSuchItemException: 1 } });
    expect(operations["toy PutItem"]).toMatchObject({ count: 1, errors: {} });
    expect(operations["iot ListThings"].latencyMs.max).toBeGreaterThanOrEqual(0);
  });
});

describe("the request log", () => {
  it("writes one line per AWS request when asked to: operation, status, ms, region", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const logged = await startHarness(IoTClient, { logRequests: true });
    try {
      await logged.iot.send(new ListThingsCommand({}));
      expect(lines.filter((l) => l.includes("iot ListThings"))).toHaveLength(1);
      expect(lines.find((l) => l.includes("iot ListThings"))).toMatch(/^\[emulator\] iot ListThings 200 [\d.]+ms us-east-1$/);
    } finally {
      spy.mockRestore();
      await logged.stop();
    }
    expect(lines.some((l) => l.includes("ListThings") && !l.includes("200"))).toBe(false);
  });
});

describe("fault injection input", () => {
  const addFault = (fault: Record<string, unknown>) =>
    admin("faults", { method: "POST", body: JSON.stringify({ service: "nope", code: "ThrottlingException", ...fault }) });
  const messageOf = async (r: Response) => ((await r.json()) as { message: string }).message;

  it("refuses a status outside 100..599, a region that is not one, and an overlong operation", async () => {
    for (const status of [99, 600, 200.5, -1]) expect((await addFault({ status })).status, String(status)).toBe(400);
    expect(await messageOf(await addFault({ status: 600 }))).toMatch(/100 to 599/);
    expect((await addFault({ region: "moon" })).status).toBe(400);
    expect((await addFault({ operation: "A".repeat(1000) })).status).toBe(400);
    expect((await addFault({ message: "m".repeat(10_000) })).status).toBe(400);
    expect((await addFault({ status: 503, region: "eu-west-1", operation: "ListThings" })).status).toBe(201);
    await admin("faults", { method: "DELETE" });
  });

  it("keeps at most 100 waiting faults", async () => {
    try {
      for (let i = 0; i < 100; i++) expect((await addFault({ operation: `Op${i}` })).status).toBe(201);
      const over = await addFault({ operation: "Op100" });
      expect(over.status).toBe(400);
      expect(await messageOf(over)).toMatch(/at most 100 faults/);
      expect(((await (await admin("faults")).json()) as { faults: unknown[] }).faults).toHaveLength(100);
    } finally {
      await admin("faults", { method: "DELETE" });
    }
  });
});

describe("store kinds", () => {
  const config = { host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir: ":memory:", region: "us-east-1", accountId: "000000000000" };
  const shared = {
    ca: () => Promise.reject(new Error("not in this test")),
    blobs: () => {
      throw new Error("not in this test");
    },
  };

  it("are each declared by one service, once", () => {
    const store = new Store(":memory:");
    try {
      expect(() => new Regions(store, [...SERVICES], { ...config }, shared)).not.toThrow();
      const twice: EmulatorService = { ...toy, kinds: [toy.kinds[0]!, toy.kinds[0]!] };
      expect(() => new Regions(store, [twice], { ...config }, shared)).toThrow(/toy\.item is declared by toy twice/);
      const other: EmulatorService = { ...toy, name: "toy2", signingNames: ["toy2"] };
      expect(() => new Regions(store, [toy, other], { ...config }, shared)).toThrow(/toy\.item is declared by toy and toy2/);
    } finally {
      store.close();
    }
  });
});
