"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";

/** Re-renders the current route on the server: the retry for a server-rendered panel. */
export function RefreshButton({ label = "Retry", pendingLabel = "Retrying…" }: { label?: string; pendingLabel?: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <button type="button" className="btn" disabled={pending} onClick={() => startTransition(() => router.refresh())}>
      {pending ? pendingLabel : label}
    </button>
  );
}
