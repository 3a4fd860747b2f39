"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { useState, type ReactNode } from "react";
import { config as zodConfig } from "zod/v4/core";
import { AppError } from "@/lib/errors";

// The CSP (proxy.ts) allows no eval. Zod probes for it with `Function("")` the first time it
// parses an object, which the browser reports as a violation even though zod catches it;
// jitless skips the probe (and the compiled fast path, which these small schemas don't need).
zodConfig({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            // Retrying a throttled or unreachable backend from every tab makes things worse;
            // the operator gets a retry button instead (or, once the session has ended, a
            // sign-in link: never an automatic redirect that would drop what they typed).
            // Other failures get one quiet retry.
            retry: (count, err) =>
              !(err instanceof AppError && ["throttled", "unavailable", "not_found", "invalid_input", "forbidden", "unauthenticated"].includes(err.code)) &&
              count < 1,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <NuqsAdapter>{children}</NuqsAdapter>
    </QueryClientProvider>
  );
}
