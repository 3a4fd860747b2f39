/**
 * The console's HTTP server: what `next start` does, plus telling the app who is on the
 * other end of the socket, which Next.js 16 cannot (it keeps a client's own
 * X-Forwarded-For, and exposes no socket to proxy.ts, pages, routes or actions). Each
 * request gets the socket address in a private header with a per-process random name,
 * and loses the client's X-Forwarded-* headers unless TRUST_PROXY_HOPS says proxies are
 * in front (lib/http/forwarded.ts has the rules). Everything else is Next's own handler.
 *
 * Usage: node --import tsx scripts/console-server.ts <port> <hostname> (scripts/start.ts does this).
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { PEER_HEADER_ENV, prepareForwardingHeaders } from "../lib/http/forwarded";

const port = Number(process.argv[2] ?? 3000);
const hostname = process.argv[3] ?? "localhost";
if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`console-server: bad port ${process.argv[2]}`);

// As `next start`: production React and Next, set before Next is loaded.
Object.assign(process.env, { NODE_ENV: "production" });
const peerHeader = `x-fc-peer-${randomBytes(12).toString("hex")}`;
process.env[PEER_HEADER_ENV] = peerHeader;

const { default: next } = await import("next");
const app = next({ dev: false, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  prepareForwardingHeaders(req.headers, req.socket.remoteAddress, peerHeader);
  handle(req, res).catch((err: unknown) => {
    console.error(`[console] failed to handle ${req.method} ${req.url}`, err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.listen(port, hostname, () => console.log(`[console] listening on http://${hostname}:${port}`));

const stop = () => {
  server.close();
  void app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
