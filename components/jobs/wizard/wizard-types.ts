import type { JobDraft } from "@/lib/jobs/draft";
import type { DraftErrors } from "@/lib/jobs/draft-request";

/** What the server tells the wizard that the browser cannot know. */
export interface WizardContext {
  username: string;
  /** Whether a fleet query may be saved as a dynamic group (registry.write). */
  canCreateGroups: boolean;
  /** The region the artifact placeholder names. */
  region: string;
  /** The account's thing groups, with their path from the root (for the picker). */
  groups: Array<{ name: string; path: string }>;
  /** When the group list could not be read: the reason (groups can still be typed). */
  groupsError: string | null;
  nonce: string | undefined;
}

export type DraftUpdate = (change: (d: JobDraft) => JobDraft) => void;

export interface StepProps {
  draft: JobDraft;
  update: DraftUpdate;
  /** The draft's problems for this step (shown once the operator tried to go on, or as they type where said). */
  errors: DraftErrors;
  showErrors: boolean;
  ctx: WizardContext;
}

/** The DOM id of a draft field's control (the error summary links to it). */
export const fieldId = (field: string) => `wz-${field.replace(/[^A-Za-z0-9_-]/g, "-")}`;
