import { TimeAgo } from "@/components/ui/time-ago";
import { disconnectReasonLabel, isAbnormalDisconnect } from "@/lib/things/connectivity";
import type { Connectivity } from "@/lib/things/types";

/**
 * Connected (green) / Disconnected (grey, or red when the disconnect was not an orderly
 * goodbye), since when, and why. The word is always shown, so colour is never the only signal.
 */
export function ConnectivityStatus({ value }: { value: Connectivity }) {
  const abnormal = !value.connected && isAbnormalDisconnect(value.disconnectReason);
  const tone = value.connected ? "text-ok" : abnormal ? "text-bad" : "text-idle";
  const dot = value.connected ? "bg-ok" : abnormal ? "bg-bad" : "bg-idle";
  const reason = disconnectReasonLabel(value.disconnectReason);
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-1.5">
      <span className={`inline-flex items-center gap-1.5 font-semibold ${tone}`}>
        <span aria-hidden="true" className={`inline-block size-2 rounded-full ${dot}`} />
        {value.connected ? "Connected" : "Disconnected"}
      </span>
      {value.changedAtMs !== null ? (
        <span className="text-xs text-muted">
          <TimeAgo at={value.changedAtMs} prefix="since " />
        </span>
      ) : !value.connected ? (
        <span className="text-xs text-muted" title="AWS IoT has no connection record: never connected, or disconnected long ago">
          no record
        </span>
      ) : null}
      {reason ? (
        <span className={`text-xs ${abnormal ? "text-bad" : "text-muted"}`} title={value.disconnectReason ?? undefined}>
          · {reason}
        </span>
      ) : null}
    </span>
  );
}
