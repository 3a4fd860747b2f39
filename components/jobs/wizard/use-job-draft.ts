"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { draftStorageKey, emptyDraft, readStoredDraft, serializeDraft, type JobDraft } from "@/lib/jobs/draft";

/**
 * The wizard's draft, kept in this browser's localStorage per user: read once after
 * mount (the server cannot know it), written shortly after each change and when the
 * page is left, so an error, a reload or a crashed tab loses nothing typed.
 */
export function useJobDraft(username: string) {
  const key = draftStorageKey(username);
  const [draft, setDraft] = useState<JobDraft | null>(null);
  const [storageError, setStorageError] = useState(false);
  /** Fields of the stored draft that failed its limits and were cut or reset on reading it. */
  const [repaired, setRepaired] = useState<string[]>([]);
  const pending = useRef<JobDraft | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const d = pending.current;
    if (!d) return;
    pending.current = null;
    try {
      localStorage.setItem(key, serializeDraft(d));
      setStorageError(false);
    } catch {
      // Private mode or a full quota: say so, the wizard still works for this page's life.
      setStorageError(true);
    }
  }, [key]);

  useEffect(() => {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(key);
    } catch {
      setStorageError(true);
    }
    // A draft with a field over its limit is kept, that field repaired (never thrown away whole).
    const read = readStoredDraft(stored, Date.now());
    setDraft(read?.draft ?? emptyDraft(Date.now()));
    setRepaired(read?.repaired ?? []);
  }, [key]);

  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  const update = useCallback(
    (change: (d: JobDraft) => JobDraft) => {
      setDraft((d) => {
        if (!d) return d;
        const next = { ...change(d), savedAtMs: Date.now() };
        pending.current = next;
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(flush, 300);
        return next;
      });
    },
    [flush],
  );

  const discard = useCallback(() => {
    pending.current = null;
    if (timer.current) clearTimeout(timer.current);
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing stored */
    }
    setDraft(emptyDraft(Date.now()));
    setRepaired([]);
  }, [key]);

  return { draft, update, discard, storageError, repaired };
}
