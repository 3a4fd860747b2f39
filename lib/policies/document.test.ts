import { describe, expect, it } from "vitest";
import { viewPolicyDocument } from "./document";

describe("viewPolicyDocument", () => {
  it("pretty-prints and summarises the statements", () => {
    const doc = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive"], Resource: "*" },
        { Effect: "Deny", Action: "iot:DeleteThingShadow", Resource: "*" },
      ],
    });
    const v = viewPolicyDocument(doc);
    expect(v.valid).toBe(true);
    expect(v.pretty).toContain('\n  "Statement": [');
    expect(v.summary).toBe("2 statements: Allow iot:Connect, iot:Publish, iot:Subscribe +1; Deny iot:DeleteThingShadow");
  });
  it("accepts a single statement object", () => {
    expect(viewPolicyDocument('{"Statement":{"Effect":"Allow","Action":"iot:*"}}').summary).toBe("1 statement: Allow iot:*");
  });
  it("shows text that is not JSON as is", () => {
    expect(viewPolicyDocument("{oops")).toEqual({ pretty: "{oops", valid: false, summary: "not valid JSON" });
  });
  it("handles JSON without statements", () => {
    expect(viewPolicyDocument("null").summary).toBe("no statements");
  });
});
