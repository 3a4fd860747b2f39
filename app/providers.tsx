"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { useState, type ReactNode } from "react";
import { AppError } from "@/lib/errors";

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            // Retrying a throttled or unreachable backend from every tab makes things worse;
            // the operator gets a retry button instead. Other failures get one quiet retry.
            retry: (count, err) => !(err instanceof AppError && ["throttled", "unavailable", "not_found", "invalid_input", "forbidden"].includes(err.code)) && count < 1,
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
