import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Sidebar } from "@/components/nav/sidebar";
import { themeScript } from "@/components/theme/theme-script";
import { describeBackend } from "@/lib/config";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Fleet Console", template: "%s · Fleet Console" },
  description: "Search and inspect a fleet of devices on AWS IoT",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The backend label comes from the server's environment at request time, not at build time.
  await connection();
  return (
    // The theme script changes the class before hydration; React must accept it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <Providers>
          <div className="flex min-h-screen">
            <Sidebar backendLabel={describeBackend()} />
            <main className="min-w-0 flex-1 px-5 py-4">{children}</main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
