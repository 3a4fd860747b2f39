"use client";

import { SegmentError } from "@/components/ui/segment-error";

export default function ThingError({ error, retry }: { error: unknown; retry: () => void }) {
  return <SegmentError error={error} retry={retry} what="this thing" />;
}
