import { EventEmitter } from "node:events";
import type { RecordStore } from "../store/store";

/**
 * What the broker knows of each MQTT client id, in the shape GetThingConnectivityData
 * and the fleet index report it: connected or not, the time of the last change in
 * epoch milliseconds, and why the last session ended.
 */
export interface ConnectivityRecord {
  clientId: string;
  connected: boolean;
  timestampMs: number;
  disconnectReason?: string;
  sessionIdentifier?: string;
  ipAddress?: string;
  keepAliveSeconds?: number;
  cleanSession?: boolean;
  /** Bumped on every change; the fleet index reports it as connectivity.version. */
  version: number;
}

const KIND = "connectivity";
export const CONNECTIVITY_KIND = KIND;

export class ConnectivityTracker extends EventEmitter<{ change: [ConnectivityRecord] }> {
  private records = new Map<string, ConnectivityRecord>();

  constructor(private store: RecordStore) {
    super();
    const now = Date.now();
    for (const [id, rec] of store.load<ConnectivityRecord>(KIND)) {
      // A client still marked connected was cut off when the emulator stopped.
      if (rec.connected) {
        rec.connected = false;
        rec.timestampMs = now;
        rec.disconnectReason = "SERVER_INITIATED_DISCONNECT";
        rec.version++;
        store.put(KIND, id, rec);
      }
      this.records.set(id, rec);
    }
  }

  get(clientId: string): ConnectivityRecord | undefined {
    return this.records.get(clientId);
  }

  all(): IterableIterator<ConnectivityRecord> {
    return this.records.values();
  }

  markConnected(
    clientId: string,
    info: { sessionIdentifier?: string; ipAddress?: string; keepAliveSeconds?: number; cleanSession?: boolean; timestampMs?: number },
  ): ConnectivityRecord {
    const prev = this.records.get(clientId);
    const rec: ConnectivityRecord = {
      clientId,
      connected: true,
      timestampMs: info.timestampMs ?? Date.now(),
      sessionIdentifier: info.sessionIdentifier,
      ipAddress: info.ipAddress,
      keepAliveSeconds: info.keepAliveSeconds,
      cleanSession: info.cleanSession,
      version: (prev?.version ?? 0) + 1,
    };
    return this.save(rec);
  }

  markDisconnected(clientId: string, disconnectReason: string, timestampMs = Date.now()): ConnectivityRecord {
    const prev = this.records.get(clientId);
    const rec: ConnectivityRecord = {
      ...(prev ?? { clientId }),
      clientId,
      connected: false,
      timestampMs,
      disconnectReason,
      version: (prev?.version ?? 0) + 1,
    };
    return this.save(rec);
  }

  private save(rec: ConnectivityRecord): ConnectivityRecord {
    this.records.set(rec.clientId, rec);
    this.store.put(KIND, rec.clientId, rec);
    this.emit("change", rec);
    return rec;
  }
}
