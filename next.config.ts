import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` is reached as 127.0.0.1 by Playwright and scripts, not only as localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // Keep the dev badge off the theme switch in the sidebar's bottom-left corner.
  devIndicators: { position: "bottom-right" },
  // Keep the AWS SDK out of the server bundle: it is large and Node resolves it fine.
  serverExternalPackages: ["@aws-sdk/client-iot", "@aws-sdk/client-iot-data-plane"],
  // forbidden() → app/forbidden.tsx with a 403.
  experimental: { authInterrupts: true },
  async headers() {
    // An operations console: never framed, never sniffed, no referrer to third parties, no
    // device APIs. On every response, static files included; the per-request CSP and HSTS
    // come from proxy.ts.
    return [{ source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default config;
