/**
 * AWS IoT lifecycle ("presence") events, as documented in the developer guide page
 * "Lifecycle events": one JSON message per connect and per disconnect, published by the
 * broker itself on reserved topics.
 */

export const PRESENCE_CONNECTED_PREFIX = "$aws/events/presence/connected/";
export const PRESENCE_DISCONNECTED_PREFIX = "$aws/events/presence/disconnected/";

export interface PresenceSession {
  clientId: string;
  sessionIdentifier: string;
  principalIdentifier: string;
  ipAddress?: string;
  /** Same number on the connect and the disconnect event of one session. */
  versionNumber: number;
}

export interface ConnectedEvent {
  clientId: string;
  timestamp: number;
  eventType: "connected";
  sessionIdentifier: string;
  principalIdentifier: string;
  ipAddress?: string;
  versionNumber: number;
}

export interface DisconnectedEvent {
  clientId: string;
  timestamp: number;
  eventType: "disconnected";
  sessionIdentifier: string;
  principalIdentifier: string;
  clientInitiatedDisconnect: boolean;
  disconnectReason: string;
  versionNumber: number;
}

/** AWS sends no lifecycle events for client ids containing MQTT wildcards. */
export function hasPresenceEvents(clientId: string): boolean {
  return !clientId.includes("#") && !clientId.includes("+");
}

export function connectedEvent(s: PresenceSession, timestampMs: number): { topic: string; event: ConnectedEvent } {
  return {
    topic: PRESENCE_CONNECTED_PREFIX + s.clientId,
    event: {
      clientId: s.clientId,
      timestamp: timestampMs,
      eventType: "connected",
      sessionIdentifier: s.sessionIdentifier,
      principalIdentifier: s.principalIdentifier,
      // The guide lists ipAddress for connection messages only.
      ...(s.ipAddress ? { ipAddress: s.ipAddress } : {}),
      versionNumber: s.versionNumber,
    },
  };
}

export function disconnectedEvent(s: PresenceSession, reason: string, timestampMs: number): { topic: string; event: DisconnectedEvent } {
  return {
    topic: PRESENCE_DISCONNECTED_PREFIX + s.clientId,
    event: {
      clientId: s.clientId,
      timestamp: timestampMs,
      eventType: "disconnected",
      sessionIdentifier: s.sessionIdentifier,
      principalIdentifier: s.principalIdentifier,
      clientInitiatedDisconnect: reason === "CLIENT_INITIATED_DISCONNECT",
      disconnectReason: reason,
      versionNumber: s.versionNumber,
    },
  };
}
