/**
 * Ready-made filters an operator inserts into a query instead of remembering field names
 * and units. Templates use CodeMirror's snippet syntax: `${1:text}` is a placeholder the
 * cursor jumps to with Tab, pre-filled with `text`. Times are computed when offered, in
 * milliseconds (connectivity timestamps are ms since the epoch, unlike shadow timestamps).
 *
 * Dependency-free: the editor offers them in autocomplete and in the "Insert a filter" menu.
 */

export interface QuerySnippet {
  /** What the menu and the completion list show. */
  label: string;
  /** One line on what it matches. */
  detail: string;
  template: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function querySnippets(nowMs: number): QuerySnippet[] {
  const ago = (ms: number) => Math.floor((nowMs - ms) / 1000) * 1000;
  return [
    { label: "Connected", detail: "Things connected right now", template: "connectivity.connected:true" },
    { label: "Disconnected", detail: "Things not connected right now", template: "connectivity.connected:false" },
    {
      label: "Offline for a day",
      detail: "Disconnected, last change more than 24 h ago",
      template: `connectivity.connected:false AND connectivity.timestamp < \${1:${ago(DAY_MS)}}`,
    },
    {
      label: "Offline for a week",
      detail: "Disconnected, last change more than 7 days ago",
      template: `connectivity.connected:false AND connectivity.timestamp < \${1:${ago(7 * DAY_MS)}}`,
    },
    {
      label: "Connected in the last hour",
      detail: "Connectivity changed to connected within the hour",
      template: `connectivity.connected:true AND connectivity.timestamp > \${1:${ago(HOUR_MS)}}`,
    },
    { label: "Agent version below", detail: "attributes.agentVersion before a version (string order)", template: "attributes.agentVersion < ${1:7.2}" },
    { label: "Agent version in range", detail: "attributes.agentVersion from … to … (inclusive)", template: "attributes.agentVersion:[${1:7.0} TO ${2:7.2}]" },
    { label: "Has a shadow delta", detail: "Desired and reported state differ", template: "shadow.hasDelta:true" },
    { label: "By customer", detail: "attributes.customer equals", template: "attributes.customer:${1:acme}" },
    { label: "By thing type", detail: "thingTypeName equals", template: "thingTypeName:${1:linux-agent}" },
    { label: "In a group", detail: "Member of a thing group (or billing group)", template: "thingGroupNames:${1:group}" },
    { label: "Name starts with", detail: "thingName prefix", template: "thingName:${1:prefix}*" },
    {
      label: "Disconnect reason",
      detail: "Why the last connection ended",
      template: "connectivity.disconnectReason:${1:CONNECTION_LOST}",
    },
    { label: "Attribute is set", detail: "The thing has the attribute", template: "attributes.${1:name}:*" },
  ];
}

/** The text a template inserts when placeholders are not interactive: each placeholder's default. */
export function snippetText(template: string): string {
  return template.replace(/[$#]\{(?:\d+:)?([^}]*)\}/g, "$1");
}

/** Joins a snippet onto a query with AND, or replaces a query that is empty. */
export function appendFilter(query: string, filter: string): string {
  const q = query.trim();
  if (!q) return filter;
  // An OR at the top level would bind looser than the new AND; keep the operator's query intact.
  return /\bOR\b/.test(q) ? `(${q}) AND ${filter}` : `${q} AND ${filter}`;
}
