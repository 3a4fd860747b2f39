import { describe, expect, it } from "vitest";
import { SeqOrder, SortedNames } from "../../emulator/services/iot/sorted-names";
import { pageBySeq, pageOfSorted } from "../../emulator/services/iot/pagination";

/** A tiny deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe("SortedNames (the index behind ListThings paging)", () => {
  it("matches a reference set under random adds, deletes, re-adds and reads", () => {
    const rand = rng(42);
    const members = new Set<string>();
    const idx = new SortedNames((n) => members.has(n));
    for (let step = 0; step < 20_000; step++) {
      const name = `n-${Math.floor(rand() * 3000)}`;
      const r = rand();
      if (r < 0.55) {
        if (!members.has(name)) {
          members.add(name);
          idx.add(name);
        }
      } else if (r < 0.98) {
        if (members.delete(name)) idx.delete(name);
      } else {
        // Reads at random moments exercise both the splice and the merge paths.
        expect(idx.view().join()).toBe([...members].sort().join());
      }
    }
    expect(idx.view()).toEqual([...members].sort());
  });

  it("pages by last name without gaps or repeats", () => {
    const names = Array.from({ length: 1000 }, (_, i) => `t${String(i).padStart(4, "0")}`);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = pageOfSorted(names, after, 250);
      seen.push(...page.items);
      after = page.nextKey;
    } while (after !== undefined);
    expect(seen).toEqual(names);
  });
});

describe("SeqOrder (creation order behind ListCertificates / ListPolicies)", () => {
  it("drops deleted records and pages both ways", () => {
    const live = new Map<number, { seq: number }>();
    const order = new SeqOrder<{ seq: number }>((r) => live.get(r.seq) === r);
    for (let i = 1; i <= 100; i++) {
      const r = { seq: i };
      live.set(i, r);
      order.add(r);
    }
    for (const s of [3, 50, 51, 99]) {
      order.delete(live.get(s)!);
      live.delete(s);
    }
    const expected = [...live.keys()];
    for (const ascending of [true, false]) {
      const seen: number[] = [];
      let after: number | undefined;
      do {
        const page = pageBySeq(order.view(), (r) => r.seq, after, 7, ascending);
        seen.push(...page.items.map((r) => r.seq));
        after = page.nextSeq;
      } while (after !== undefined);
      expect(seen).toEqual(ascending ? expected : [...expected].reverse());
    }
  });
});
