/** Thing groups in the console's own shape. */
export interface GroupNode {
  name: string;
  children: GroupNode[];
}

export interface GroupTree {
  roots: GroupNode[];
  total: number;
  builtAtMs: number;
}

export interface GroupDetail {
  name: string;
  arn: string | null;
  description: string | null;
  attributes: Record<string, string>;
  parentName: string | null;
  /** Ancestors from the root down to the parent (the group itself excluded). */
  ancestors: string[];
  createdAt: string | null;
  version: number | null;
  /** Set for dynamic groups (fleet-index query), which live outside the static hierarchy. */
  dynamicQuery: string | null;
}

/** A group a thing belongs to, with its path from the root down to the group itself. */
export interface GroupMembership {
  name: string;
  path: string[];
}

export interface GroupMemberPage {
  things: string[];
  nextToken: string | null;
}
