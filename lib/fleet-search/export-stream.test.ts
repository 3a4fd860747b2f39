import { describe, expect, it } from "vitest";
import type { ThingSearchRow } from "./contract";
import { exportStream } from "./export-stream";

const thing = (i: number): ThingSearchRow => ({
  thingName: `t-${i}`,
  thingId: `id-${i}`,
  thingTypeName: null,
  thingGroupNames: [],
  attributes: { n: String(i) },
  connectivity: null,
  shadow: null,
});

/** Pages of `size` things, counting how many pages were asked for. */
function pages(count: number, size: number, failAt?: number) {
  let asked = 0;
  let returned = false;
  async function* gen(): AsyncGenerator<ThingSearchRow[]> {
    try {
      for (let p = 0; p < count; p++) {
        asked++;
        if (p === failAt) throw new Error("backend down");
        yield Array.from({ length: size }, (_, i) => thing(p * size + i));
      }
    } finally {
      returned = true;
    }
  }
  return { it: gen(), asked: () => asked, returned: () => returned };
}

const text = (s: ReadableStream<Uint8Array>) => new Response(s).text();

describe("exportStream", () => {
  it("writes a CSV header and one line per thing of every page", async () => {
    const src = pages(3, 4);
    let outcome: unknown;
    const body = await text(exportStream(src.it, { format: "csv", columns: ["thingName", "attributes.n"], onEnd: (o) => (outcome = o) }));
    const lines = body.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe('"thingName","attributes.n"');
    expect(lines).toHaveLength(1 + 12);
    expect(lines[12]).toBe('"t-11","11"');
    expect(outcome).toEqual({ rows: 12, result: "done", error: undefined });
  });

  it("writes JSON Lines of whole rows, with no header", async () => {
    const body = await text(exportStream(pages(2, 3).it, { format: "jsonl", columns: ["thingName"] }));
    const lines = body.split("\n").filter(Boolean);
    expect(lines.map((l) => JSON.parse(l))).toEqual(Array.from({ length: 6 }, (_, i) => thing(i)));
  });

  it("writes only the header for an empty result", async () => {
    expect(await text(exportStream(pages(0, 1).it, { format: "csv", columns: ["thingName"] }))).toBe('"thingName"\r\n');
    expect(await text(exportStream(pages(0, 1).it, { format: "jsonl", columns: [] }))).toBe("");
  });

  it("asks for the next page only as the client reads, and stops when it cancels", async () => {
    const src = pages(1000, 10);
    let outcome: { result: string; rows: number } | undefined;
    const reader = exportStream(src.it, { format: "jsonl", columns: [], onEnd: (o) => (outcome = o) }).getReader();
    await reader.read();
    await reader.read();
    expect(src.asked()).toBeLessThanOrEqual(3);
    await reader.cancel();
    expect(src.returned()).toBe(true);
    expect(outcome?.result).toBe("cancelled");
    expect(src.asked()).toBeLessThanOrEqual(3);
  });

  it("fails the stream when a page fails, so the download is not taken as complete", async () => {
    let outcome: { result: string; rows: number; error?: unknown } | undefined;
    const stream = exportStream(pages(5, 2, 2).it, { format: "csv", columns: ["thingName"], onEnd: (o) => (outcome = o) });
    await expect(text(stream)).rejects.toThrow(/stopped before the end/);
    expect(outcome).toMatchObject({ result: "failed", rows: 4 });
    expect((outcome?.error as Error).message).toBe("backend down");
  });
});
