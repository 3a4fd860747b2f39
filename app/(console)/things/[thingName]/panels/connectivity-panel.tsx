import { ErrorNotice } from "@/components/ui/error-notice";
import { KeyValues } from "@/components/ui/panel";
import { RefreshButton } from "@/components/ui/retry-button";
import { TimeAgo } from "@/components/ui/time-ago";
import { ConnectivityStatus } from "@/components/things/connectivity-status";
import { getConnectivity } from "@/lib/aws/connectivity";
import { toErrorData } from "@/lib/errors";
import { formatUtc } from "@/lib/format/time";
import { disconnectReasonLabel } from "@/lib/things/connectivity";
import type { Connectivity } from "@/lib/things/types";

export async function ConnectivityPanel({ thingName }: { thingName: string }) {
  let c: Connectivity;
  try {
    c = await getConnectivity(thingName);
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title="Could not read connectivity" action={<RefreshButton />} />;
  }
  return (
    <div className="space-y-2">
      <p className="text-base">
        <ConnectivityStatus value={c} />
      </p>
      <KeyValues
        items={[
          {
            label: c.connected ? "Connected" : "Last change",
            value:
              c.changedAtMs !== null ? (
                <>
                  <TimeAgo at={c.changedAtMs} /> <span className="text-muted">({formatUtc(c.changedAtMs)})</span>
                </>
              ) : (
                <span className="text-muted">No record (never connected, or disconnected long ago)</span>
              ),
          },
          ...(c.connected
            ? []
            : [
                {
                  label: "Disconnect reason",
                  value: c.disconnectReason ? (
                    <>
                      {disconnectReasonLabel(c.disconnectReason)} <span className="font-mono text-xs text-muted">{c.disconnectReason}</span>
                    </>
                  ) : (
                    <span className="text-muted">—</span>
                  ),
                },
              ]),
        ]}
      />
    </div>
  );
}
