import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from "aedes";
import type { ConnectivityTracker } from "./connectivity";
import { clientIdProblem, MAX_CLIENT_ID_BYTES } from "./client-id";
import { SessionBook, type DisconnectReason } from "./sessions";

export interface BrokerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  connectivity: ConnectivityTracker;
  /**
   * The principal reported in lifecycle events (AWS: the certificate id). The broker has
   * no client-certificate auth, so the registry may answer for a client id; otherwise the
   * MQTT username is used, or "anonymous".
   */
  principalOf?: (clientId: string) => string | undefined;
  /**
   * Further topics clients may not publish on, beyond the `$aws/events/` and `$SYS/`
   * prefixes: the response topics of the emulator's services (e.g. a shadow's
   * `update/accepted`). Called for every client publish, so it must be cheap.
   */
  brokerOnlyTopic?: (topic: string) => boolean;
}

export type MessageHandler = (topic: string, payload: Buffer, clientId: string | undefined) => void;

export interface Broker {
  port: number;
  /** Currently connected MQTT clients. */
  readonly connectedCount: number;
  /** Publishes as the broker itself (shadows, jobs, lifecycle events). */
  publish(topic: string, payload: string | Uint8Array, opts?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /** Sees every message matching an MQTT topic filter, from clients or the broker. Returns an unsubscribe. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What the CONNECT packet said, kept until the session opens. */
interface ConnectInfo {
  keepalive: number;
  clean: boolean;
  username?: string;
}

/** Client ids may not publish on topics only AWS IoT itself publishes on. */
const BROKER_ONLY_TOPICS = ["$aws/events/", "$SYS/"];

/**
 * The emulator's MQTT broker (aedes, MQTT 3.1.1, plain TCP). Beyond routing messages it
 * does what AWS IoT's broker does for a fleet console: it tracks every client's
 * connectivity (with the AWS disconnect reason) and publishes lifecycle events.
 */
export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  let closing = false;
  const connectInfo = new WeakMap<Client, ConnectInfo>();
  /** A reason decided before the socket closes (it wins over what the close looks like). */
  const reasons = new WeakMap<Client, DisconnectReason>();
  const sockets = new Set<Socket>();

  const aedes = await Aedes.createBroker({
    maxClientsIdLength: MAX_CLIENT_ID_BYTES,
    preConnect(client, packet, done) {
      connectInfo.set(client, { keepalive: packet.keepalive ?? 0, clean: packet.clean ?? true, username: packet.username });
      done(closing ? new Error("broker is shutting down") : null, !closing);
    },
    authenticate(client, _username, _password, done) {
      const problem = clientIdProblem(client.id);
      if (problem) {
        const err = new Error(problem) as AuthenticateError;
        err.returnCode = 2 as AuthenticateError["returnCode"];
        return done(err, false);
      }
      // aedes closes the old connection right after this; mark why before it happens.
      const old = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
      if (old && old !== client) reasons.set(old, "DUPLICATE_CLIENTID");
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      if (client && (BROKER_ONLY_TOPICS.some((p) => packet.topic.startsWith(p)) || opts.brokerOnlyTopic?.(packet.topic))) {
        if (!client.closed && !reasons.has(client)) reasons.set(client, "AUTH_ERROR");
        return done(new Error(`${packet.topic} is reserved`));
      }
      done(null);
    },
  });

  // aedes' emitter (mqemitter) delivers 100 messages at once and queues the rest; when one
  // completes it starts the next queued one on the same stack, so a long run of queued
  // messages that complete synchronously (no subscriber, or only in-process ones) nests a
  // few frames per message and overflows the stack. That happens under a burst, e.g. 2,000
  // agents updating their shadows at once, each update producing response messages nobody
  // subscribes to. A listener on every topic finishes on the next tick while messages are
  // queued, so each queued message starts on a fresh stack; with no queue it completes at once.
  const mq = (aedes as unknown as { mq: { length: number } }).mq;
  await new Promise<void>((resolve) =>
    aedes.subscribe("#", (_packet: AedesPublishPacket, cb: () => void) => (mq.length > 0 ? process.nextTick(cb) : cb()), resolve),
  );

  const sessions = new SessionBook(opts.connectivity, (topic, event) => {
    aedes.publish({ cmd: "publish", topic, payload: Buffer.from(JSON.stringify(event)), qos: 1, retain: false, dup: false }, () => {});
  });

  aedes.on("clientReady", (client) => {
    const info = connectInfo.get(client);
    sessions.open(client, {
      clientId: client.id,
      ipAddress: ipOf(client.conn as Socket),
      keepAliveSeconds: info?.keepalive,
      cleanSession: info?.clean,
      principalIdentifier: opts.principalOf?.(client.id) ?? info?.username ?? "anonymous",
    });
    const conn = client.conn as Socket;
    if (conn.destroyed) onClosed(client);
    else conn.once("close", () => onClosed(client));
  });
  // aedes only reports this for the registered client; the socket close above covers the rest.
  aedes.on("clientDisconnect", (client) => onClosed(client));
  aedes.on("keepaliveTimeout", (client) => {
    if (!reasons.has(client)) reasons.set(client, "MQTT_KEEP_ALIVE_TIMEOUT");
  });
  aedes.on("clientError", (client, err) => {
    // A system error (ECONNRESET, EPIPE...) is a lost connection; anything else came from
    // the client's protocol behaviour.
    if (!reasons.has(client) && !(err as NodeJS.ErrnoException).code) reasons.set(client, "CLIENT_ERROR");
  });

  function onClosed(client: Client): void {
    sessions.close(client, reasonFor(client));
  }

  function reasonFor(client: Client): DisconnectReason {
    const decided = reasons.get(client);
    if (decided) return decided;
    if (closing) return "SERVER_INITIATED_DISCONNECT";
    // aedes sets this when the client sent DISCONNECT (it has no event for it).
    if ((client as unknown as { _disconnected?: boolean })._disconnected) return "CLIENT_INITIATED_DISCONNECT";
    return "CONNECTION_LOST";
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    get connectedCount() {
      return sessions.size;
    },
    publish(topic, payload, o = {}) {
      const buf = typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return new Promise((resolve, reject) =>
        aedes.publish({ cmd: "publish", topic, payload: buf, qos: o.qos ?? 0, retain: o.retain ?? false, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    },
    async subscribe(filter, handler) {
      const deliver = (packet: AedesPublishPacket, cb: () => void) => {
        const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : (packet.payload as Buffer);
        try {
          handler(packet.topic, payload, (packet as { clientId?: string }).clientId);
        } finally {
          cb();
        }
      };
      await new Promise<void>((r) => aedes.subscribe(filter, deliver, r));
      return () => new Promise<void>((r) => aedes.unsubscribe(filter, deliver, r));
    },
    async close() {
      if (closing) return;
      closing = true;
      const listening = new Promise<void>((r) => server.close(() => r()));
      sessions.closeAll("SERVER_INITIATED_DISCONNECT");
      await new Promise<void>((r) => aedes.close(() => r()));
      // Sockets that never completed CONNECT are not aedes clients.
      for (const s of sockets) s.destroy();
      await listening;
    },
  };
}

function ipOf(conn: Socket): string | undefined {
  const ip = conn.remoteAddress;
  return ip?.startsWith("::ffff:") ? ip.slice(7) : ip;
}
