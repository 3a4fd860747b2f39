import { randomUUID } from "node:crypto";
import type { ConnectivityTracker } from "./connectivity";
import { connectedEvent, disconnectedEvent, hasPresenceEvents, type PresenceSession } from "./presence";

export type DisconnectReason =
  | "CLIENT_INITIATED_DISCONNECT"
  | "CLIENT_ERROR"
  | "CONNECTION_LOST"
  | "DUPLICATE_CLIENTID"
  | "MQTT_KEEP_ALIVE_TIMEOUT"
  | "SERVER_INITIATED_DISCONNECT"
  | "AUTH_ERROR";

interface Session extends PresenceSession {
  /** The connection object this session belongs to (an aedes client). */
  owner: object;
  ended: boolean;
}

export interface OpenInfo {
  clientId: string;
  ipAddress?: string;
  keepAliveSeconds?: number;
  cleanSession?: boolean;
  principalIdentifier: string;
}

/**
 * The broker's view of who is connected, one session per client id. Sessions are keyed
 * by their connection object, not only by client id, because on a duplicate client id
 * the old connection's close can arrive after the new one is up: that late close must
 * end the old session and leave the new one alone.
 */
export class SessionBook {
  private byClientId = new Map<string, Session>();
  private byOwner = new WeakMap<object, Session>();

  constructor(
    private tracker: ConnectivityTracker,
    private publish: (topic: string, payload: object) => void,
  ) {}

  get size(): number {
    return this.byClientId.size;
  }

  open(owner: object, info: OpenInfo): void {
    const prev = this.byClientId.get(info.clientId);
    // The new connection took over before the old one's close was seen.
    if (prev && prev.owner !== owner) this.end(prev, "DUPLICATE_CLIENTID");
    const now = Date.now();
    const rec = this.tracker.markConnected(info.clientId, {
      sessionIdentifier: randomUUID(),
      ipAddress: info.ipAddress,
      keepAliveSeconds: info.keepAliveSeconds,
      cleanSession: info.cleanSession,
      timestampMs: now,
    });
    const session: Session = {
      owner,
      ended: false,
      clientId: info.clientId,
      sessionIdentifier: rec.sessionIdentifier!,
      principalIdentifier: info.principalIdentifier,
      ipAddress: info.ipAddress,
      versionNumber: rec.version,
    };
    this.byClientId.set(info.clientId, session);
    this.byOwner.set(owner, session);
    if (hasPresenceEvents(info.clientId)) {
      const { topic, event } = connectedEvent(session, now);
      this.publish(topic, event);
    }
  }

  /** Ends the session of this connection, if it still has one. */
  close(owner: object, reason: DisconnectReason): void {
    const session = this.byOwner.get(owner);
    if (session && !session.ended) this.end(session, reason);
  }

  /** Ends every open session (broker shutdown); presence events are still published. */
  closeAll(reason: DisconnectReason): void {
    for (const s of [...this.byClientId.values()]) this.end(s, reason);
  }

  private end(session: Session, reason: DisconnectReason): void {
    session.ended = true;
    if (this.byClientId.get(session.clientId) === session) this.byClientId.delete(session.clientId);
    const now = Date.now();
    this.tracker.markDisconnected(session.clientId, reason, now);
    if (hasPresenceEvents(session.clientId)) {
      const { topic, event } = disconnectedEvent(session, reason, now);
      this.publish(topic, event);
    }
  }
}
