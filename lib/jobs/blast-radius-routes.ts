import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";
import { MAX_SCOPE_QUERIES, NAMES_PER_QUERY, type BlastRadius, type DraftTargets } from "./blast-radius";

/**
 * GET /api/jobs/blast-radius: the wizard's preview of what a rollout reaches
 * (jobs.write: only those who may create the job see it). Named things travel as a sample
 * (the names the breakdown uses) plus their count, so the URL stays short for any list.
 */

/** The names the server breaks down; the rest are counted by the browser. */
export const BLAST_RADIUS_NAME_SAMPLE = MAX_SCOPE_QUERIES * NAMES_PER_QUERY;

const list = (max: number, what: string) =>
  z
    .string()
    .max(max * 130, `Too many ${what}.`)
    .default("")
    .transform((s) => s.split(",").filter(Boolean))
    .refine((a) => a.length <= max, `At most ${max} ${what}.`);

export const blastRadiusParams = z.object({
  kind: z.enum(["things", "groups", "query"]),
  things: list(BLAST_RADIUS_NAME_SAMPLE, "thing names"),
  thingCount: z.coerce.number().int().nonnegative().optional(),
  groups: list(100, "groups"),
  q: z.string().max(4096).default(""),
  timeoutMinutes: z.coerce.number().int().min(1).max(10_080).optional(),
});

export const blastRadiusRoute = defineRoute<BlastRadius>()({
  path: "/api/jobs/blast-radius",
  permission: "jobs.write",
  query: blastRadiusParams,
  request: (targets: DraftTargets, timeoutMinutes: number | null) => ({
    query: {
      kind: targets.kind,
      things: targets.kind === "things" ? targets.thingNames.slice(0, BLAST_RADIUS_NAME_SAMPLE).join(",") : null,
      thingCount: targets.kind === "things" ? targets.thingNames.length : null,
      groups: targets.kind === "groups" ? targets.groupNames.join(",") : null,
      q: targets.kind === "query" ? targets.query.trim() : null,
      timeoutMinutes,
    },
  }),
  key: (targets: DraftTargets, timeoutMinutes: number | null) => [
    "jobs",
    "blast-radius",
    targets.kind,
    targets.kind === "things" ? targets.thingNames.join(",") : targets.kind === "groups" ? targets.groupNames.join(",") : targets.query.trim(),
    timeoutMinutes,
  ],
});

/** The parsed parameters as the targets the service takes. */
export function targetsOfParams(p: z.output<typeof blastRadiusParams>): DraftTargets {
  return { kind: p.kind, thingNames: p.things, groupNames: p.groups, query: p.q, queryMode: "snapshot", newGroupName: "" };
}
