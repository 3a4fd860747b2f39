import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoTClient, DescribeEndpointCommand, InvalidRequestException } from "@aws-sdk/client-iot";
import { startHarness, type Harness } from "./harness";

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(() => h.stop());

describe("DescribeEndpoint", () => {
  it("returns the emulator's own address", async () => {
    const out = await h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
    expect(out.endpointAddress).toBe(`127.0.0.1:${h.emulator.httpPort}`);
  });

  it("rejects an unknown endpoint type with InvalidRequestException", async () => {
    await expect(h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Nope" }))).rejects.toBeInstanceOf(InvalidRequestException);
  });
});

describe("wire protocol", () => {
  it("refuses unsigned requests with 403 MissingAuthenticationTokenException", async () => {
    const res = await fetch(`${h.emulator.endpoint}/things`);
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });
});

describe("request counts (for benchmarks)", () => {
  it("counts answered AWS requests per operation, and resets", async () => {
    const base = h.emulator.endpoint;
    expect((await fetch(`${base}/_emulator/requests`, { method: "DELETE" })).status).toBe(204);
    await h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
    await h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
    const { counts } = (await (await fetch(`${base}/_emulator/requests`)).json()) as { counts: Record<string, number> };
    expect(counts).toEqual({ "iot DescribeEndpoint": 2 });
    await fetch(`${base}/_emulator/requests`, { method: "DELETE" });
    expect(((await (await fetch(`${base}/_emulator/requests`)).json()) as { counts: object }).counts).toEqual({});
  });
});
