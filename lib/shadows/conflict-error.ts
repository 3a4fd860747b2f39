import { AppError } from "@/lib/errors";
import type { ShadowConflictData, ShadowDocument } from "./types";
import { documentToText } from "./wire";

/**
 * An update refused because the shadow's version moved on (ConflictException). It carries
 * the shadow as it is now, so the browser can show what changed in between and re-apply
 * the operator's edit on top of it; `toData()` is what the server action returns.
 */
export class ShadowConflictError extends AppError {
  readonly current: ShadowDocument | null;

  constructor(current: ShadowDocument | null, baseVersion: number | undefined, options?: { cause?: unknown }) {
    super(
      "conflict",
      current
        ? `The shadow changed while you were editing: you started from version ${baseVersion ?? "—"}, it is now at version ${current.version}. Nothing was sent.`
        : "The shadow was deleted while you were editing. Nothing was sent.",
      options,
    );
    this.current = current;
  }

  override toData(): ShadowConflictData {
    return { code: "conflict", message: this.message, currentJson: documentToText(this.current) };
  }
}
