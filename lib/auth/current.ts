import "server-only";
import { cookies, headers } from "next/headers";
import { consoleDb } from "@/lib/db/console-db";
import { clientAddressFrom } from "@/lib/http/forwarded";
import { servedOverHttps } from "@/lib/http/security-headers";
import { SESSION_COOKIE } from "./cookie";
import { resolveSession, sessionPolicy, type Session } from "./sessions";

export { SESSION_COOKIE };

/** The signed-in caller of the current request, or null. */
export async function currentSession(): Promise<Session | null> {
  const jar = await cookies();
  return resolveSession(consoleDb(), jar.get(SESSION_COOKIE)?.value, sessionPolicy());
}

/**
 * The client's address, always a valid IP address or "unknown" (it lands in the audit
 * trail and keys the sign-in limits). Not X-Forwarded-For as sent: Next keeps a client's
 * own header, so the address comes from the socket (via scripts/console-server.ts) or,
 * behind TRUST_PROXY_HOPS=N proxies, from exactly the N-th hop (lib/http/forwarded.ts).
 */
export async function clientAddress(): Promise<string> {
  return clientAddressFrom(await headers());
}

/** Whether cookies must be Secure: behind HTTPS (CONSOLE_PUBLIC_URL, or a trusted proxy says so). */
export async function secureCookies(): Promise<boolean> {
  return servedOverHttps(await headers());
}
