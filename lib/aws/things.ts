import "server-only";
import { DescribeThingCommand, ListThingPrincipalsCommand, ListThingsCommand, type ThingAttribute } from "@aws-sdk/client-iot";
import type { ThingFilters } from "@/lib/things/filters";
import type { ThingDetail, ThingPage, ThingSummary } from "@/lib/things/types";
import { normalizeToken } from "@/lib/things/paging";
import { AppError } from "@/lib/errors";
import { collectPages, readIot } from "./client";

function toSummary(t: ThingAttribute): ThingSummary {
  return {
    name: t.thingName ?? "",
    typeName: t.thingTypeName || null,
    arn: t.thingArn ?? null,
    attributes: { ...(t.attributes ?? {}) },
    version: typeof t.version === "number" ? t.version : null,
  };
}

/** One page of ListThings with the list filters. */
export async function listThings(filters: ThingFilters, nextToken?: string | null): Promise<ThingPage> {
  const args = {
    maxResults: filters.size,
    nextToken: nextToken || undefined,
    thingTypeName: filters.type ?? undefined,
    attributeName: filters.attribute?.name,
    attributeValue: filters.attribute?.value,
    usePrefixAttributeValue: filters.attribute?.prefix || undefined,
  };
  const out = await readIot({ operation: "ListThings", budget: "registry", key: args }, (c) => c.send(new ListThingsCommand(args)));
  return { things: (out.things ?? []).map(toSummary), nextToken: normalizeToken(out.nextToken) };
}

/** DescribeThing; null when the thing does not exist. */
export async function describeThing(name: string): Promise<ThingDetail | null> {
  try {
    const t = await readIot({ operation: "DescribeThing", budget: "registry", key: { thingName: name } }, (c) =>
      c.send(new DescribeThingCommand({ thingName: name })),
    );
    return {
      name: t.thingName ?? name,
      id: t.thingId ?? null,
      arn: t.thingArn ?? null,
      typeName: t.thingTypeName || null,
      attributes: { ...(t.attributes ?? {}) },
      version: typeof t.version === "number" ? t.version : null,
      defaultClientId: t.defaultClientId ?? null,
      billingGroupName: t.billingGroupName ?? null,
    };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

/** Every principal attached to a thing (certificate ARNs and others), all pages. */
export async function listThingPrincipals(name: string): Promise<string[]> {
  return collectPages(async (token) => {
    const out = await readIot({ operation: "ListThingPrincipals", budget: "registry", key: { thingName: name, nextToken: token } }, (c) =>
      c.send(new ListThingPrincipalsCommand({ thingName: name, nextToken: token, maxResults: 100 })),
    );
    return { items: out.principals ?? [], next: out.nextToken };
  });
}
