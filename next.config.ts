import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` is reached as 127.0.0.1 by Playwright and scripts, not only as localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // Keep the dev badge off the theme switch in the sidebar's bottom-left corner.
  devIndicators: { position: "bottom-right" },
  // Keep the AWS SDK out of the server bundle: it is large and Node resolves it fine.
  serverExternalPackages: ["@aws-sdk/client-iot"],
  async headers() {
    // An operations console: never framed, never sniffed, no referrer to third parties.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default config;
