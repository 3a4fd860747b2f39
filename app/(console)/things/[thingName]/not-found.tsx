"use client";

import Link from "next/link";
import { useParams } from "next/navigation";

/** The 404 of /things/[thingName]: says which thing does not exist and where to go instead. */
export default function ThingNotFound() {
  const params = useParams<{ thingName?: string }>();
  const raw = params?.thingName ?? "";
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    /* keep raw */
  }
  return (
    <div className="max-w-2xl space-y-3">
      <p className="text-sm font-semibold text-muted">404 · Thing not found</p>
      <h1 className="text-xl font-bold">
        The thing <span className="font-mono break-all">“{name}”</span> does not exist
      </h1>
      <p>No thing with this name is registered in AWS IoT. It may have been deleted, or the name is misspelled (thing names are case-sensitive).</p>
      <p>
        <Link href="/things" className="btn hover:no-underline">
          Back to the things list
        </Link>
      </p>
    </div>
  );
}
