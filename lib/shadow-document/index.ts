/** One shadow-document module (pure): JSON helpers, merge, delta, metadata, limits. */
export * from "./json";
export * from "./document";
