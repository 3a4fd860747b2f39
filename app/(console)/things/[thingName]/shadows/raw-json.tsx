"use client";

import type { ShadowDocument } from "@/lib/shadows/types";
import { JsonBlock } from "@/components/ui/json-block";

/** The document as GetThingShadow returns it (timestamps in epoch seconds, as AWS sends them). */
export function awsShapedDocument(doc: ShadowDocument): unknown {
  const state: Record<string, unknown> = {};
  if (doc.desired) state.desired = doc.desired;
  if (doc.reported) state.reported = doc.reported;
  if (doc.delta) state.delta = doc.delta;
  const metadata: Record<string, unknown> = {};
  if (doc.metadata.desired) metadata.desired = doc.metadata.desired;
  if (doc.metadata.reported) metadata.reported = doc.metadata.reported;
  return { state, metadata, version: doc.version, ...(doc.timestampMs !== null ? { timestamp: Math.floor(doc.timestampMs / 1000) } : {}) };
}

export function RawJson({ doc }: { doc: ShadowDocument }) {
  return (
    <JsonBlock
      text={JSON.stringify(awsShapedDocument(doc), null, 2)}
      caption="The shadow document as AWS IoT returns it (GetThingShadow). Timestamps are epoch seconds."
      label="Shadow document (JSON)"
      copyLabel="Copy JSON"
      testId="raw-json"
      maxHeight="max-h-[36rem]"
    />
  );
}
