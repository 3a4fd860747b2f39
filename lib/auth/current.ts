import "server-only";
import { cookies, headers } from "next/headers";
import { consoleDb } from "@/lib/db/console-db";
import { SESSION_COOKIE } from "./cookie";
import { resolveSession, sessionPolicy, type Session } from "./sessions";

export { SESSION_COOKIE };

/** The signed-in caller of the current request, or null. */
export async function currentSession(): Promise<Session | null> {
  const jar = await cookies();
  return resolveSession(consoleDb(), jar.get(SESSION_COOKIE)?.value, sessionPolicy());
}

/**
 * The client's address. `next start` appends the socket address to X-Forwarded-For, so
 * the last entry is trustworthy; behind N trusted proxies (TRUST_PROXY_HOPS=N) the
 * client is N entries further left. Anything a client put there itself is ignored.
 */
export async function clientAddress(): Promise<string> {
  const h = await headers();
  const chain = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const hops = Number(process.env.TRUST_PROXY_HOPS || 0);
  return chain[Math.max(0, chain.length - 1 - hops)] ?? "unknown";
}

/** Whether cookies must be Secure: behind HTTPS (CONSOLE_PUBLIC_URL or the proxy says so). */
export async function secureCookies(): Promise<boolean> {
  if ((process.env.CONSOLE_PUBLIC_URL ?? "").startsWith("https://")) return true;
  const h = await headers();
  return h.get("x-forwarded-proto") === "https" && Number(process.env.TRUST_PROXY_HOPS || 0) > 0;
}
