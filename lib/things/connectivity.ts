import { z } from "zod";
import { NAME_PATTERN } from "./filters";

/** At most this many names per GET /api/connectivity (keeps the URL well under 8 KB). */
export const CONNECTIVITY_BATCH_MAX = 50;

export const thingNamesParam = z
  .string({ message: "Pass the thing names as ?things=a,b,c" })
  .transform((s) => [
    ...new Set(
      s
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ])
  .refine((names) => names.length > 0, { message: "Pass at least one thing name in ?things=" })
  .refine((names) => names.length <= CONNECTIVITY_BATCH_MAX, { message: `At most ${CONNECTIVITY_BATCH_MAX} thing names per request.` })
  .refine((names) => names.every((n) => n.length <= 128 && NAME_PATTERN.test(n)), {
    message: "Thing names are 1–128 letters, digits, ':', '_' or '-'.",
  });

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError("size must be at least 1");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const REASON_LABELS: Record<string, string> = {
  AUTH_ERROR: "authentication failed",
  CLIENT_INITIATED_DISCONNECT: "client disconnected",
  CLIENT_ERROR: "client error",
  CONNECTION_LOST: "connection lost",
  DUPLICATE_CLIENTID: "duplicate client id",
  FORBIDDEN_ACCESS: "forbidden by policy",
  MQTT_KEEP_ALIVE_TIMEOUT: "keep-alive timeout",
  SERVER_ERROR: "server error",
  SERVER_INITIATED_DISCONNECT: "server disconnected it",
  THROTTLED: "throttled",
  WEBSOCKET_TTL_EXPIRATION: "websocket TTL expired",
  CUSTOMAUTH_TTL_EXPIRATION: "custom auth TTL expired",
  API_INITIATED_DISCONNECT: "disconnected through the API",
  UNKNOWN: "unknown reason",
  NONE: "no reason given",
};

export function disconnectReasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  return REASON_LABELS[reason] ?? reason.toLowerCase().replace(/_/g, " ");
}

// Disconnects an operator should look at: not a clean, intended goodbye.
const ORDERLY = new Set(["CLIENT_INITIATED_DISCONNECT", "API_INITIATED_DISCONNECT", "SERVER_INITIATED_DISCONNECT", "NONE"]);

export function isAbnormalDisconnect(reason: string | null): boolean {
  return reason !== null && !ORDERLY.has(reason);
}
