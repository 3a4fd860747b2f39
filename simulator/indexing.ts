/**
 * Fleet indexing for the simulated fleet: registry, classic shadow and the named
 * `config` shadow, connectivity status, and the custom fields the console aggregates on
 * (AWS allows a handful of custom fields; these are the ones an operator groups by).
 * Seeding turns it on once, so the embedded fleet is searchable from the first start;
 * a configuration changed later (by an admin in the console) is left as it is.
 */
export const FLEET_INDEXING_CONFIGURATION = {
  thingIndexingMode: "REGISTRY_AND_SHADOW",
  thingConnectivityIndexingMode: "STATUS",
  namedShadowIndexingMode: "ON",
  filter: { namedShadowNames: ["config"] },
  customFields: [
    { name: "attributes.customer", type: "String" },
    { name: "attributes.os", type: "String" },
    { name: "attributes.agentVersion", type: "String" },
    { name: "shadow.reported.health.cpuPercent", type: "Number" },
    { name: "shadow.reported.blocklist.version", type: "Number" },
  ],
} as const;
