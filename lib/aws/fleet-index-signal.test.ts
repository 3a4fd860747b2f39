import { beforeEach, describe, expect, it, vi } from "vitest";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));

/** What each SearchIndex send was given as its abort signal. */
const sent: Array<AbortSignal | undefined> = [];
let release: () => void = () => {};
const fakeClient = {
  send: (_cmd: unknown, opts?: { abortSignal?: AbortSignal }) => {
    sent.push(opts?.abortSignal);
    return new Promise((r) => (release = () => r({ things: [], nextToken: undefined })));
  },
};

// The real call policy (the fleet-index gate), with a client that records its calls.
vi.mock("./client", async () => {
  const { readWithMeta } = await import("./call-policy");
  return {
    readIot: vi.fn(),
    aws: vi.fn(),
    readIotWithMeta: (spec: never, send: (c: unknown, signal?: AbortSignal) => Promise<unknown>) => readWithMeta(spec, (signal) => send(fakeClient, signal)),
  };
});

const { searchIndex } = await import("./fleet-index");
const { budgetGate } = await import("./call-policy");

beforeEach(() => {
  sent.length = 0;
  budgetGate("fleetIndex").reset({ stats: true });
});

describe("searchIndex abort signals", () => {
  it("a shared call is not aborted by the caller that happened to start it", async () => {
    const first = new AbortController();
    const a = searchIndex("attributes.os:linux", { signal: first.signal });
    const b = searchIndex("attributes.os:linux", { signal: new AbortController().signal });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toBeUndefined();
    release();
    expect((await a).cached).toBe(false);
    expect((await b).cached).toBe(true);
  });

  it("a call made once (an export page) carries its caller's signal", async () => {
    const own = new AbortController();
    const page = searchIndex("*", { signal: own.signal, cache: false });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toBe(own.signal);
    release();
    await page;
  });
});
