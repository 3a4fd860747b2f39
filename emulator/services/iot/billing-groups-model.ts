import { randomUUID } from "node:crypto";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { BillingGroupRecord, IotState, ThingRecord } from "./state";
import { pageOfSorted, type Page } from "./pagination";

/**
 * Billing groups: the rules and state changes (billing-groups.ts parses and renders).
 *
 * What the sources say, and what the emulator does with it:
 * - CreateBillingGroup repeated with the same name and configuration succeeds (same id);
 *   a different configuration is ResourceAlreadyExistsException (API reference).
 * - A thing is in at most one billing group: DescribeThing reports "the billing group the
 *   thing belongs to, if any" (developer guide, Billing groups). AddThingToBillingGroup
 *   models no conflict error, so adding a thing that is in another group moves it.
 * - DeleteBillingGroup: "You can delete a billing group even if it contains one or more
 *   things" (AWS CLI example); its members are left in no billing group. Like
 *   DeleteThingGroup it models no ResourceNotFoundException: a missing group is a success.
 * - CreateThing with a billing group that does not exist: ResourceNotFoundException
 *   (CreateThing models it; moto raises it from the same lookup).
 */

export interface BillingGroupInput {
  name: string;
  description?: string;
  tags?: unknown[];
}

/** Who a membership call names: a name, or an ARN of this account and region. */
export interface Ref {
  name?: string;
  arn?: string;
}

export function createBillingGroup(state: IotState, input: BillingGroupInput): BillingGroupRecord {
  const existing = state.billingGroups.get(input.name);
  if (existing) {
    if (existing.description === input.description) return existing;
    throw new AwsError("ResourceAlreadyExistsException", `Billing Group ${input.name} already exists in current account with different properties`, undefined, {
      resourceId: existing.id,
      resourceArn: state.billingGroupArn(input.name),
    });
  }
  const group: BillingGroupRecord = { name: input.name, id: randomUUID(), version: 1, createdMs: Date.now() };
  if (input.description !== undefined) group.description = input.description;
  if (input.tags) group.tags = input.tags;
  state.putBillingGroup(group);
  return group;
}

/** UpdateBillingGroup: the description is replaced (removed when absent or empty). */
export function updateBillingGroup(state: IotState, name: string, description: string | undefined, expectedVersion: number | undefined): BillingGroupRecord {
  const g = state.requireBillingGroup(name);
  checkVersion(g, expectedVersion);
  const next: BillingGroupRecord = { ...g, version: g.version + 1 };
  if (description) next.description = description;
  else delete next.description;
  state.putBillingGroup(next);
  return next;
}

export function deleteBillingGroup(state: IotState, name: string, expectedVersion: number | undefined): void {
  const g = state.billingGroups.get(name);
  if (!g) return;
  checkVersion(g, expectedVersion);
  for (const thingName of [...state.billingMembersOf(name).view()]) {
    const t = state.things.get(thingName);
    if (t) state.setBillingGroup(t, undefined);
  }
  state.removeBillingGroup(g);
}

export function addThingToBillingGroup(state: IotState, group: Ref, thing: Ref): void {
  const g = resolveBillingGroup(state, group);
  const t = resolveThing(state, thing);
  state.setBillingGroup(t, g.name);
}

/** Removing a thing from a group it is not in changes nothing (and is no error). */
export function removeThingFromBillingGroup(state: IotState, group: Ref, thing: Ref): void {
  const g = resolveBillingGroup(state, group);
  const t = resolveThing(state, thing);
  if (t.billingGroupName === g.name) state.setBillingGroup(t, undefined);
}

export function listBillingGroups(state: IotState, prefix: string | undefined, after: string | undefined, limit: number): Page<string> {
  return pageOfSorted(state.billingGroupNames.view(), after, limit, prefix ? (n) => n.startsWith(prefix) : undefined);
}

export function listThingsInBillingGroup(state: IotState, name: string, after: string | undefined, limit: number): Page<string> {
  state.requireBillingGroup(name);
  return pageOfSorted(state.billingMembersOf(name).view(), after, limit);
}

/** The billing group CreateThing may put a new thing in: it must exist. */
export function assignableBillingGroup(state: IotState, name: string): void {
  state.requireBillingGroup(name);
}

function checkVersion(g: BillingGroupRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== g.version) {
    throw new AwsError("VersionConflictException", `The version for billing group ${g.name} does not match the expected version.`);
  }
}

function resolveBillingGroup(state: IotState, ref: Ref): BillingGroupRecord {
  if (ref.name !== undefined) return state.requireBillingGroup(ref.name);
  if (ref.arn !== undefined) {
    const fromArn = state.billingGroupNameFromArn(ref.arn);
    const g = fromArn ? state.billingGroups.get(fromArn) : undefined;
    if (!g) throw notFound(`Billing Group ${ref.arn} does not exist`);
    return g;
  }
  throw invalid("Either billingGroupName or billingGroupArn must be specified");
}

function resolveThing(state: IotState, ref: Ref): ThingRecord {
  if (ref.name !== undefined) return state.requireThing(ref.name);
  if (ref.arn !== undefined) {
    const fromArn = state.thingNameFromArn(ref.arn);
    const t = fromArn ? state.things.get(fromArn) : undefined;
    if (!t) throw notFound(`Thing ${ref.arn} cannot be found.`);
    return t;
  }
  throw invalid("Either thingName or thingArn must be specified");
}
