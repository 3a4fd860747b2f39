import type { Metadata } from "next";
import { headers } from "next/headers";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { themeScript } from "@/components/theme/theme-script";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Fleet Console", template: "%s · Fleet Console" },
  description: "Search and inspect a fleet of devices on AWS IoT",
};

/** The document shell. The signed-in console (sidebar and all) is app/(console)/layout.tsx; sign-in has none. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: each response carries its own CSP nonce (proxy.ts).
  await connection();
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // The theme script changes the class before hydration; React must accept it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
