"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, Escape closes
 * it, and focus returns to what opened it. Rendered only while open, so its form starts
 * fresh each time.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // showModal focuses the first focusable element (the close button); start in the form instead.
      (d.querySelector<HTMLElement>("[data-autofocus]") ?? d.querySelector<HTMLElement>("input:not([type=hidden]), textarea, select"))?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  if (!open) return null;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto w-full ${wide ? "max-w-2xl" : "max-w-md"} rounded border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/50`}
    >
      <div className="flex items-center justify-between gap-2 border-b border-border px-4 py-2.5">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <button type="button" className="btn px-2" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div className="px-4 py-3">{children}</div>
    </dialog>
  );
}
