import { describe, expect, it } from "vitest";
import { appendFilter, querySnippets, snippetText } from "./snippets";

describe("querySnippets", () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0, 500);
  const snippets = querySnippets(now);

  it("puts 'offline for a day' at now minus 24 h, in ms", () => {
    const s = snippets.find((x) => x.label === "Offline for a day")!;
    expect(snippetText(s.template)).toBe(`connectivity.connected:false AND connectivity.timestamp < ${Date.UTC(2026, 10, 22, 12, 0, 0)}`);
  });

  it("has unique labels and templates that read as queries without placeholders", () => {
    expect(new Set(snippets.map((s) => s.label)).size).toBe(snippets.length);
    for (const s of snippets) expect(snippetText(s.template)).not.toMatch(/[$#]\{/);
  });
});

describe("snippetText / appendFilter", () => {
  it("keeps placeholder defaults", () => {
    expect(snippetText("attributes.agentVersion:[${1:7.0} TO ${2:7.2}]")).toBe("attributes.agentVersion:[7.0 TO 7.2]");
    expect(snippetText("a:${b}")).toBe("a:b");
  });

  it("joins with AND, wrapping a query that has an OR", () => {
    expect(appendFilter("", "x:1")).toBe("x:1");
    expect(appendFilter("  a:1 ", "x:1")).toBe("a:1 AND x:1");
    expect(appendFilter("a:1 OR b:2", "x:1")).toBe("(a:1 OR b:2) AND x:1");
  });
});
