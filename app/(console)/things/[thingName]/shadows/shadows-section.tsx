import { headers } from "next/headers";
import { getThingShadowCached, listNamedShadowsCached } from "@/lib/aws/shadows";
import { shadowFromParam, type ShadowViewResponse } from "@/lib/shadows/types";
import { viewToText } from "@/lib/shadows/wire";
import { ShadowsTab } from "./shadows-tab";

/**
 * The shadows tab, prefetched on the server: the shadow the URL names (and the list of
 * named shadows) arrive with the page, so the tab paints without a skeleton; the client
 * takes over and polls. A failed read here is not an error page: the client reads again
 * and shows the error in place, with a retry.
 */
export async function ShadowsSection({
  thingName,
  shadowParam,
  canEdit,
  role,
}: {
  thingName: string;
  shadowParam: string | null;
  canEdit: boolean;
  role: string;
}) {
  const shadowName = shadowFromParam(shadowParam);
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  let initial: ShadowViewResponse | null = null;
  try {
    const [namedShadows, document] = await Promise.all([listNamedShadowsCached(thingName), getThingShadowCached(thingName, shadowName)]);
    initial = { thingName, namedShadows, shadowName, document };
  } catch {
    initial = null;
  }
  // As JSON text: as props, the document's `__proto__` keys would not reach the browser.
  return <ShadowsTab thingName={thingName} canEdit={canEdit} role={role} nonce={nonce} initialJson={viewToText(initial)} initialAtMs={Date.now()} />;
}
