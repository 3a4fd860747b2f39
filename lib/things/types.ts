import type { AppErrorData } from "@/lib/errors";

/** One row of ListThings, in the console's own shape (ListThings carries no thingId). */
export interface ThingSummary {
  name: string;
  typeName: string | null;
  arn: string | null;
  attributes: Record<string, string>;
  version: number | null;
}

export interface ThingPage {
  things: ThingSummary[];
  /** Opaque AWS token for the next page; null at the end of the list. */
  nextToken: string | null;
}

export interface ThingDetail extends ThingSummary {
  id: string | null;
  defaultClientId: string | null;
  billingGroupName: string | null;
}

export interface Connectivity {
  thingName: string;
  connected: boolean;
  /** When the thing last connected or disconnected; null when AWS has no record. */
  changedAtMs: number | null;
  disconnectReason: string | null;
}

export type ConnectivityResult = { ok: true; data: Connectivity } | { ok: false; error: AppErrorData };

/** Body of GET /api/connectivity. */
export interface ConnectivityBatch {
  results: Record<string, ConnectivityResult>;
}
