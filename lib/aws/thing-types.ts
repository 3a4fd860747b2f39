import "server-only";
import { ListThingsCommand, ListThingTypesCommand } from "@aws-sdk/client-iot";
import type { ThingTypeCount, ThingTypeSummary } from "@/lib/thing-types/types";
import { lane, shared } from "./call-policy";
import { collectPages, isoOrNull, readIot } from "./client";

/** All thing types, all pages, sorted by name. Cached briefly: the list changes rarely and feeds every filter bar. */
export async function listThingTypes(): Promise<ThingTypeSummary[]> {
  return shared({ name: "thing-types.list", cacheMs: 30_000 }, async () => {
    const types = await collectPages(async (token) => {
      const out = await readIot({ operation: "ListThingTypes", budget: "registry", key: { nextToken: token } }, (c) =>
        c.send(new ListThingTypesCommand({ nextToken: token, maxResults: 250 })),
      );
      return { items: out.thingTypes ?? [], next: out.nextToken };
    });
    return types
      .map((t): ThingTypeSummary => ({
        name: t.thingTypeName ?? "",
        arn: t.thingTypeArn ?? null,
        description: t.thingTypeProperties?.thingTypeDescription || null,
        searchableAttributes: t.thingTypeProperties?.searchableAttributes ?? [],
        createdAt: isoOrNull(t.thingTypeMetadata?.creationDate),
        deprecated: Boolean(t.thingTypeMetadata?.deprecated),
        deprecatedAt: t.thingTypeMetadata?.deprecated ? isoOrNull(t.thingTypeMetadata?.deprecationDate) : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/**
 * Counting walks ListThings 250 at a time, so it is bounded three ways: results are
 * cached for a minute (coalesced while in flight), at most two counts run at once in the
 * process, and a count stops at COUNT_CAP things (shown as "50,000+").
 */
export const COUNT_CAP = 50_000;

export async function countThingsOfType(typeName: string): Promise<ThingTypeCount> {
  return shared({ name: "thing-types.count", cacheMs: 60_000, key: typeName, maxEntries: 1000 }, () =>
    lane(
      "thing-types.count",
      2,
    )(async () => {
      let count = 0;
      let token: string | undefined;
      do {
        const current = token;
        const out = await readIot({ operation: "ListThings", budget: "registry", key: { thingTypeName: typeName, maxResults: 250, nextToken: current } }, (c) =>
          c.send(new ListThingsCommand({ thingTypeName: typeName, maxResults: 250, nextToken: current })),
        );
        count += out.things?.length ?? 0;
        token = out.nextToken || undefined;
        if (count >= COUNT_CAP && token) return { count, capped: true };
      } while (token);
      return { count, capped: false };
    }),
  );
}
