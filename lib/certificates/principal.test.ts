import { describe, expect, it } from "vitest";
import { classifyPrincipal } from "./principal";

const id = "a".repeat(32) + "0123456789ABCDEF0123456789abcdef";

describe("classifyPrincipal", () => {
  it("recognises certificate ARNs in every partition and extracts the id", () => {
    expect(classifyPrincipal(`arn:aws:iot:us-east-1:000000000000:cert/${id}`)).toEqual({
      kind: "certificate",
      arn: `arn:aws:iot:us-east-1:000000000000:cert/${id}`,
      certificateId: id.toLowerCase(),
    });
    expect(classifyPrincipal(`arn:aws-cn:iot:cn-north-1:1:cert/${id}`).kind).toBe("certificate");
  });
  it("leaves other principals alone", () => {
    expect(classifyPrincipal("us-east-1:1234-abcd")).toEqual({ kind: "other", value: "us-east-1:1234-abcd" });
    expect(classifyPrincipal("arn:aws:iot:us-east-1:0:cacert/abc").kind).toBe("other");
    expect(classifyPrincipal(`arn:aws:iot:us-east-1:0:cert/${id}x`).kind).toBe("other");
  });
});
