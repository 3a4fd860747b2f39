import { describe, expect, it } from "vitest";
import { prettyJson } from "./pretty";

describe("prettyJson", () => {
  it("indents JSON by two spaces", () => {
    expect(prettyJson('{"a":[1,{"b":"x"}]}')).toEqual({ text: '{\n  "a": [\n    1,\n    {\n      "b": "x"\n    }\n  ]\n}', json: true });
  });

  it("gives text that is not JSON back as stored, flagged", () => {
    expect(prettyJson("reboot now")).toEqual({ text: "reboot now", json: false });
    expect(prettyJson('{"a":')).toEqual({ text: '{"a":', json: false });
  });

  it("leaves a document nested too deeply to re-print as stored, still JSON", () => {
    const deep = `${"[".repeat(20_000)}1${"]".repeat(20_000)}`;
    expect(prettyJson(deep)).toEqual({ text: deep, json: true });
  });
});
