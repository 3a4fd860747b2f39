import type { IotState, ThingGroupRecord } from "../services/iot/state";
import { newBits, setBit, type Bits } from "./bitset";
import { matchesDoc, type Compiled, type DocIndex } from "./evaluate";
import type { Scalar, Value } from "./flatten";
import type { ValueColumn } from "./aggregate";

/**
 * The thing group index (AWS_ThingGroups). Thing groups number in the thousands at most,
 * so a query checks each group directly (no postings): a snapshot of the groups in name
 * order is taken per query, and results are paged by group name.
 *
 * Fields: thingGroupName, thingGroupId, thingGroupDescription (also `description`, its
 * managed-field name), parentGroupNames (every ancestor), attributes.<name>; version for
 * aggregations only.
 */

export interface ThingGroupDocument {
  thingGroupName: string;
  thingGroupId: string;
  thingGroupDescription?: string;
  attributes: Record<string, string>;
  parentGroupNames: string[];
}

export class ThingGroupSnapshot implements DocIndex {
  readonly groups: ThingGroupRecord[];
  private readonly parents: string[][];

  constructor(state: IotState) {
    this.groups = state.groupNames
      .view()
      .map((n) => state.groups.get(n)!)
      .filter(Boolean);
    this.parents = this.groups.map((g) => state.ancestors(g).map((a) => a.name));
  }

  search(query: Compiled): Bits {
    const bits = newBits(this.groups.length);
    for (let i = 0; i < this.groups.length; i++) if (matchesDoc(query, this, i)) setBit(bits, i);
    return bits;
  }

  document(i: number): ThingGroupDocument {
    const g = this.groups[i];
    const doc = { thingGroupName: g.name, thingGroupId: g.id } as ThingGroupDocument;
    if (g.description !== undefined) doc.thingGroupDescription = g.description;
    doc.attributes = g.attributes;
    doc.parentGroupNames = this.parents[i];
    return doc;
  }

  value(field: string, i: number): Value | undefined {
    const g = this.groups[i];
    switch (field) {
      case "thingGroupName":
        return g.name;
      case "thingGroupId":
        return g.id;
      case "thingGroupDescription":
      case "description":
        return g.description;
      case "parentGroupNames":
        return this.parents[i].length ? this.parents[i] : undefined;
      case "version":
        return g.version;
    }
    if (field.startsWith("attributes.")) return g.attributes[field.slice("attributes.".length)];
    return undefined;
  }

  someBareValue(i: number, fn: (v: Value) => boolean): boolean {
    const g = this.groups[i];
    const values: Array<Value | undefined> = [
      g.name,
      g.id,
      g.description,
      this.parents[i].length ? this.parents[i] : undefined,
      ...Object.values(g.attributes),
    ];
    return values.some((v) => v !== undefined && fn(v));
  }

  hasFieldUnder(prefix: string, i: number): boolean {
    return prefix === "attributes." && Object.keys(this.groups[i].attributes).length > 0;
  }

  column(field: string): ValueColumn {
    return { get: (i: number) => this.value(field, i) as Scalar | Scalar[] | undefined };
  }
}

export function thingGroupFieldRule(field: string): string | null {
  if (field === "version") return "version cannot be searched: versions are returned in results but are not searchable";
  if (["thingGroupName", "thingGroupId", "thingGroupDescription", "description", "parentGroupNames"].includes(field)) return null;
  if (/^attributes\.[^.]/.test(field)) return null;
  return `Unknown field '${field}': thing group fields are thingGroupName, thingGroupId, thingGroupDescription, parentGroupNames and attributes.<name>`;
}
