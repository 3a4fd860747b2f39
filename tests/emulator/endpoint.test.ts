import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeEndpointCommand, InvalidRequestException } from "@aws-sdk/client-iot";
import { startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
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
