/**
 * The fixed mix of realistic fleet-search queries the benchmark runs, against the
 * simulated fleet's shape (simulator/catalog.ts, simulator/agent-state.ts): equality,
 * prefixes, ranges, boolean mixes, shadow fields (classic and named), connectivity.
 * `now` anchors the connectivity-age queries.
 */
export function searchMix(now: number): Array<{ name: string; query: string }> {
  const hour = 3_600_000;
  return [
    { name: "customer", query: "attributes.customer:acme" },
    { name: "type + version", query: "thingTypeName:linux-agent AND attributes.agentVersion:7.2.1" },
    { name: "os prefix", query: "attributes.os:ubuntu*" },
    { name: "name prefix", query: "thingName:agent-globex-a*" },
    { name: "version below (string range)", query: "attributes.agentVersion:{* TO 7.2.0}" },
    { name: "offline for a day", query: `connectivity.connected:false AND connectivity.timestamp < ${now - 24 * hour}` },
    { name: "disconnect reason", query: "connectivity.disconnectReason:MQTT_KEEP_ALIVE_TIMEOUT" },
    { name: "degraded health", query: "shadow.reported.health.status:degraded" },
    { name: "has delta", query: "shadow.hasDelta:true" },
    { name: "blocklist behind (numeric)", query: "shadow.reported.blocklist.version < 1042" },
    { name: "cpu range", query: "shadow.reported.health.cpuPercent:[30 TO 40]" },
    { name: "detect mode on windows", query: "shadow.reported.policy.mode:detect AND thingTypeName:windows-agent" },
    { name: "group prefix + os", query: "thingGroupNames:acme-* AND attributes.os:windows*" },
    { name: "two customers, not windows", query: "(attributes.customer:acme OR attributes.customer:globex) AND NOT attributes.os:windows*" },
    { name: "named shadow field", query: "shadow.name.config.reported.logLevel:debug" },
    { name: "array contains", query: "shadow.reported.tags:pci" },
    { name: "region prefix + shadow version", query: "attributes.region:eu-* AND shadow.reported.agent.version:7.1.3" },
    { name: "exclusion + recent", query: `-attributes.customer:acme AND connectivity.timestamp > ${now - hour}` },
    { name: "memory >= 400", query: "shadow.reported.health.memoryMb >= 400" },
    { name: "gateways in detect with a site", query: "thingTypeName:gateway AND shadow.reported.policy.mode:detect AND attributes.site:*" },
  ];
}
