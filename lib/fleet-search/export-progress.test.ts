import { describe, expect, it } from "vitest";
import { createRowCounter, exportFileName, progressRatio } from "./export-progress";

function count(format: "csv" | "jsonl", chunks: string[]): number {
  const c = createRowCounter(format);
  for (const ch of chunks) c.push(ch);
  c.finish();
  return c.rows;
}

describe("createRowCounter", () => {
  it("counts CSV records after the header, whatever the chunking", () => {
    const csv = 'thingName,attributes.note\r\nagent-1,"a, b"\r\nagent-2,"two\r\nlines"\r\nagent-3,"say ""hi""\nthere"\r\n';
    expect(count("csv", [csv])).toBe(3);
    // Every split point, including inside quotes and between \r and \n.
    for (let i = 1; i < csv.length; i++) expect(count("csv", [csv.slice(0, i), csv.slice(i)])).toBe(3);
    expect(count("csv", csv.split(""))).toBe(3);
  });

  it("counts a last CSV record without a line break, and a header alone as zero rows", () => {
    expect(count("csv", ["thingName\nagent-1\nagent-2"])).toBe(2);
    expect(count("csv", ["thingName\r\n"])).toBe(0);
    expect(count("csv", [""])).toBe(0);
  });

  it("counts JSON Lines, ignoring blank lines", () => {
    const jsonl = '{"thingName":"a"}\n{"thingName":"b","note":"x\\ny"}\n\n{"thingName":"c"}';
    expect(count("jsonl", [jsonl])).toBe(3);
    for (let i = 1; i < jsonl.length; i++) expect(count("jsonl", [jsonl.slice(0, i), jsonl.slice(i)])).toBe(3);
  });

  it("reports rows as they arrive", () => {
    const c = createRowCounter("jsonl");
    c.push('{"a":1}\n{"a"');
    expect(c.rows).toBe(1);
    c.push(":2}\n");
    expect(c.rows).toBe(2);
  });
});

describe("exportFileName / progressRatio", () => {
  it("names files by time and format", () => {
    const at = new Date("2026-11-23T16:05:09.123Z");
    expect(exportFileName("csv", at)).toBe("fleet-search-2026-11-23T16-05-09Z.csv");
    expect(exportFileName("jsonl", at)).toBe("fleet-search-2026-11-23T16-05-09Z.jsonl");
  });

  it("is a share of the total, capped at 1, unknown without a total", () => {
    expect(progressRatio(50, 200)).toBe(0.25);
    expect(progressRatio(250, 200)).toBe(1);
    expect(progressRatio(0, 0)).toBe(1);
    expect(progressRatio(10, null)).toBeNull();
  });
});
