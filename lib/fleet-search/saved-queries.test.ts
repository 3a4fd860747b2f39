import { describe, expect, it } from "vitest";
import { openConsoleDb } from "@/lib/db/console-db";
import { removeSavedQuery, getSavedQuery, listQueryHistory, listVisibleSavedQueries, recordQueryHistory, upsertSavedQuery } from "./saved-queries";

const fresh = () => openConsoleDb(":memory:");
const linux = { name: "Linux below 7.2", query: "attributes.os:linux AND attributes.agentVersion<7.2", columns: ["thingName", "attributes.os"], shared: false };

describe("saved queries", () => {
  it("creates, reads back and lists what the owner saved", () => {
    const db = fresh();
    const saved = upsertSavedQuery(db, "alice", linux, 1_000);
    expect(saved).toEqual({ id: expect.any(String), owner: "alice", createdAtMs: 1_000, updatedAtMs: 1_000, ...linux });
    expect(getSavedQuery(db, saved.id)).toEqual(saved);
    expect(listVisibleSavedQueries(db, "alice")).toEqual([saved]);
  });

  it("shows others only what is shared", () => {
    const db = fresh();
    const mine = upsertSavedQuery(db, "alice", linux);
    const shared = upsertSavedQuery(db, "bob", { ...linux, name: "Offline a day", query: "connectivity.connected:false", shared: true });
    upsertSavedQuery(db, "bob", { ...linux, name: "bob's private" });
    expect(listVisibleSavedQueries(db, "alice").map((q) => q.id)).toEqual([mine.id, shared.id]);
    expect(listVisibleSavedQueries(db, "carol").map((q) => q.id)).toEqual([shared.id]);
    expect(listVisibleSavedQueries(db, "BOB")).toHaveLength(2);
  });

  it("keeps names unique per owner (any case), not across owners", () => {
    const db = fresh();
    upsertSavedQuery(db, "alice", linux);
    expect(() => upsertSavedQuery(db, "alice", { ...linux, name: "LINUX below 7.2" })).toThrow(expect.objectContaining({ code: "conflict" }));
    expect(upsertSavedQuery(db, "bob", linux).owner).toBe("bob");
  });

  it("updates by id for the owner only, keeping the creation time", () => {
    const db = fresh();
    const saved = upsertSavedQuery(db, "alice", linux, 1_000);
    const updated = upsertSavedQuery(db, "Alice", { id: saved.id, name: "Renamed", query: "thingName:a*", columns: [], shared: true }, 2_000);
    expect(updated).toMatchObject({ id: saved.id, name: "Renamed", query: "thingName:a*", columns: [], shared: true, createdAtMs: 1_000, updatedAtMs: 2_000 });
    expect(() => upsertSavedQuery(db, "bob", { ...linux, id: saved.id })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => upsertSavedQuery(db, "alice", { ...linux, id: "nope" })).toThrow(expect.objectContaining({ code: "not_found" }));
    const other = upsertSavedQuery(db, "alice", { ...linux, name: "Other" });
    expect(() => upsertSavedQuery(db, "alice", { ...linux, id: other.id, name: "renamed" })).toThrow(expect.objectContaining({ code: "conflict" }));
    expect(getSavedQuery(db, saved.id)?.name).toBe("Renamed");
  });

  it("deletes for the owner or an admin only", () => {
    const db = fresh();
    const a = upsertSavedQuery(db, "alice", linux);
    const b = upsertSavedQuery(db, "alice", { ...linux, name: "second" });
    expect(() => removeSavedQuery(db, a.id, { username: "bob", isAdmin: false })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(removeSavedQuery(db, a.id, { username: "alice", isAdmin: false }).id).toBe(a.id);
    expect(removeSavedQuery(db, b.id, { username: "root", isAdmin: true }).id).toBe(b.id);
    expect(() => removeSavedQuery(db, a.id, { username: "alice", isAdmin: false })).toThrow(expect.objectContaining({ code: "not_found" }));
    expect(listVisibleSavedQueries(db, "alice")).toEqual([]);
  });
});

describe("query history", () => {
  it("keeps the last N distinct queries per user, newest first, a repeat moving to the top", () => {
    const db = fresh();
    recordQueryHistory(db, "alice", "a", 1, 3);
    recordQueryHistory(db, "alice", "b", 2, 3);
    recordQueryHistory(db, "alice", "  a  ", 3, 3);
    recordQueryHistory(db, "alice", "c", 4, 3);
    recordQueryHistory(db, "alice", "d", 5, 3);
    recordQueryHistory(db, "bob", "x", 6, 3);
    recordQueryHistory(db, "alice", "   ", 7, 3);
    expect(listQueryHistory(db, "alice")).toEqual([
      { query: "d", atMs: 5 },
      { query: "c", atMs: 4 },
      { query: "a", atMs: 3 },
    ]);
    expect(listQueryHistory(db, "bob")).toEqual([{ query: "x", atMs: 6 }]);
  });
});
