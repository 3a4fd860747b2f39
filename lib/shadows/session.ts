import { documentChanges, reapplyEdit, type DocumentChange } from "./conflict";
import { desiredText, diffDesired, markRemoved } from "./edit";
import { isObject, tooDeepToWalk } from "./json";
import type { JsonObject, ShadowDocument } from "./types";

/**
 * One operator's edit of a shadow's desired state, from "Edit" to "Sent": the version it
 * is based on, the text as typed, and a conflict when the shadow moved on. Pure
 * transitions, so the browser's state machine is tested here. The text is never
 * replaced without keeping what was typed.
 */
export interface EditSession {
  /** The document the edit is based on (null: the shadow did not exist). */
  base: ShadowDocument | null;
  text: string;
  /** The text as typed before a re-apply replaced it. */
  typedBeforeReapply: string | null;
  /** After a re-apply: keys the operator changes that someone else changed too. */
  overlaps: string[][];
  conflict: EditConflict | null;
  /** A short note for the operator about something the console did (kept until the next change). */
  note: string | null;
}

export interface EditConflict {
  /** The shadow as it is now (null: deleted). */
  current: ShadowDocument | null;
  /** What changed between the base and now. */
  inBetween: DocumentChange[];
  /** The operator's edit as a patch against the base (null: their text does not parse). */
  patch: JsonObject | null;
  /** Refused by AWS on sending, or seen by the console while polling before sending. */
  source: "refused" | "seen";
}

export function startEdit(base: ShadowDocument | null, text: string = desiredText(base?.desired)): EditSession {
  return { base, text, typedBeforeReapply: null, overlaps: [], conflict: null, note: null };
}

/**
 * Whether the version the edit is based on is behind `live`: a newer version, a shadow
 * created meanwhile (the edit started from none), or one deleted meanwhile (`live` null).
 */
export function isBehind(session: EditSession, live: ShadowDocument | null): boolean {
  if (!live) return session.base !== null;
  return session.base === null || live.version > session.base.version;
}

/**
 * Why the edit must be reviewed (and re-applied) before it may be sent, or null. Unlike a
 * newer version (AWS refuses the update, which names the version it was based on), these
 * would go through unnoticed:
 * - `created`: the edit started from no shadow, so no version is sent, and someone
 *   created the shadow with desired state meanwhile: the edit would be merged into it
 *   without anyone having seen it;
 * - `deleted`: the shadow was deleted meanwhile: the update would recreate it holding
 *   only the edit's changes.
 */
export function mustReviewBeforeSending(session: EditSession, live: ShadowDocument | null): "created" | "deleted" | null {
  if (session.conflict) return null;
  if (session.base !== null && live === null) return "deleted";
  if (session.base === null && live !== null && desiredChangesSince(session, live).length > 0) return "created";
  return null;
}

/** Desired-state changes between the edit's base and `live` (what someone else did meanwhile). */
export function desiredChangesSince(session: EditSession, live: ShadowDocument | null): DocumentChange[] {
  if (!isBehind(session, live)) return [];
  return documentChanges(session.base, live).filter((c) => c.section === "desired");
}

/**
 * Follows the live document while the operator edits. When only reported state moved on
 * (the device reported: a routine event), the edit moves to the new version by itself:
 * desired is unchanged, so the same edit sends the same change. When desired changed,
 * the session stays where it is; the operator is told and decides (see `conflictFromLive`).
 */
export function followLive(session: EditSession, live: ShadowDocument | null): EditSession {
  if (session.conflict || !isBehind(session, live)) return session;
  // Deleted meanwhile: nothing to follow; the operator decides (re-apply creates it again).
  if (!live) return withConflict(session, null, "seen");
  // Created meanwhile without desired state, or only reported moved: the same edit sends the same change.
  if (desiredChangesSince(session, live).length > 0) return session;
  const note =
    session.base === null
      ? `Now based on version ${live.version}: the shadow was created meanwhile, without desired state; your edit is unchanged.`
      : `Now based on version ${live.version}: the device reported meanwhile; desired state is unchanged.`;
  return { ...session, base: live, note };
}

/**
 * The operator's edit as a patch against the base, from the text as it is now; null only
 * when the text is not a JSON object, or nests too deeply to be walked at all. A text that
 * breaks one of AWS's limits (a null in an array, too deep, too large) still has a patch:
 * re-applying it keeps the operator's changes, and the editor shows the problem again
 * afterwards.
 */
export function patchOf(session: Pick<EditSession, "text" | "base">): JsonObject | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(session.text);
  } catch {
    return null;
  }
  // Text nested too deeply to walk (the editor says so) has nothing to re-apply either.
  return isObject(parsed) && !tooDeepToWalk(parsed) ? diffDesired(session.base?.desired ?? null, parsed) : null;
}

/** The operator typed: the text changes, and an open conflict shows their edit as it is now. */
export function editText(session: EditSession, text: string): EditSession {
  const conflict = session.conflict ? { ...session.conflict, patch: patchOf({ text, base: session.base }) } : null;
  return { ...session, text, conflict, note: null };
}

/** A conflict: AWS refused the update (`refused`), or the console saw the shadow move on (`seen`). */
export function withConflict(session: EditSession, current: ShadowDocument | null, source: EditConflict["source"]): EditSession {
  return {
    ...session,
    conflict: { current, inBetween: documentChanges(session.base, current), patch: patchOf(session), source },
    note: null,
  };
}

/**
 * The operator's edit re-applied on top of the latest document: the editor gets the
 * latest desired state with their changes, based on the latest version; their text as
 * typed is kept. Null when their text does not parse (nothing to re-apply).
 */
export function reapply(session: EditSession): EditSession | null {
  const c = session.conflict;
  if (!c) return null;
  // The editor stays editable during a conflict: re-apply what the text says now.
  const patch = patchOf(session);
  if (!patch) return null;
  const r = reapplyEdit(patch, c.current, c.inBetween);
  return {
    base: c.current,
    text: desiredText(r.desired),
    typedBeforeReapply: session.text,
    overlaps: r.overlaps,
    conflict: null,
    note: c.current
      ? `Your changes are re-applied on version ${c.current.version}. Review them, then send.`
      : "The shadow was deleted: the editor holds your changes alone. Sending creates the shadow again with them.",
  };
}

/** "Remove" on a table row: the key set to null in the text (the explicit removal). Null when the text does not parse. */
export function removeKey(session: EditSession, path: readonly string[]): EditSession | null {
  const text = markRemoved(session.text, path);
  return text === null ? null : { ...session, text, note: null };
}
