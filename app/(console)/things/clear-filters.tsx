"use client";

import { useQueryStates } from "nuqs";
import { thingsSearchParams } from "@/lib/things/search-params";

export function ClearFiltersButton({ label = "Clear filters" }: { label?: string }) {
  const [, setFilters] = useQueryStates(thingsSearchParams, { shallow: false });
  return (
    <button type="button" className="btn" onClick={() => void setFilters({ type: null, attr: null, value: null, prefix: null })}>
      {label}
    </button>
  );
}
