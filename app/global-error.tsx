"use client";

import { ERROR_MESSAGES, ERROR_TITLES, errorCodeOf } from "@/lib/errors";

/**
 * Last resort when the root layout itself fails. It replaces the whole document, so it
 * carries its own minimal styling and follows the OS theme.
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const code = errorCodeOf(error) ?? "internal";
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", padding: "2rem", colorScheme: "light dark" }}>
        <title>Fleet Console: error</title>
        <h1 style={{ fontSize: "1.25rem" }}>Fleet Console could not start this page</h1>
        <p>
          <strong>{ERROR_TITLES[code]}.</strong> {ERROR_MESSAGES[code]}
        </p>
        <button type="button" onClick={() => retry()} style={{ padding: "0.25rem 0.75rem" }}>
          Retry
        </button>
      </body>
    </html>
  );
}
