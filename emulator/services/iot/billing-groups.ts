import type { RequestContext, Router } from "../../server/router";
import { invalid } from "../../server/errors";
import type { BillingGroupRecord, IotState } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, nextTokenOf, pageLimit } from "./pagination";
import { bodyOf, checkName, optionalInteger, optionalName, optionalString } from "./validation";
import {
  addThingToBillingGroup,
  createBillingGroup,
  deleteBillingGroup,
  listBillingGroups,
  listThingsInBillingGroup,
  removeThingFromBillingGroup,
  updateBillingGroup,
  type Ref,
} from "./billing-groups-model";

/**
 * Billing group routes (paths and shapes from the botocore model): each parses the request
 * into a typed input, calls billing-groups-model.ts and renders the answer.
 */
export function registerBillingGroupRoutes(router: Router, state: IotState): void {
  router.add("CreateBillingGroup", "POST", "/billing-groups/{billingGroupName}", (ctx) => {
    const body = bodyOf(ctx);
    const g = createBillingGroup(state, {
      name: checkName(ctx.params.billingGroupName, "billingGroupName"),
      description: readDescription(body.billingGroupProperties),
      ...(Array.isArray(body.tags) ? { tags: body.tags } : {}),
    });
    return { body: { billingGroupName: g.name, billingGroupArn: state.billingGroupArn(g.name), billingGroupId: g.id } };
  });

  router.add("DescribeBillingGroup", "GET", "/billing-groups/{billingGroupName}", (ctx) => {
    const g = state.requireBillingGroup(checkName(ctx.params.billingGroupName, "billingGroupName"));
    return { body: describe(state, g) };
  });

  router.add("ListBillingGroups", "GET", "/billing-groups", (ctx) => {
    const prefix = ctx.query.get("namePrefixFilter") || undefined;
    if (prefix !== undefined) checkName(prefix, "namePrefixFilter");
    const page = listBillingGroups(state, prefix, after(ctx), pageLimit(ctx, "maxResults"));
    return { body: { billingGroups: page.items.map((n) => ({ groupName: n, groupArn: state.billingGroupArn(n) })), ...nextTokenOf(page) } };
  });

  router.add("UpdateBillingGroup", "PATCH", "/billing-groups/{billingGroupName}", (ctx) => {
    const body = bodyOf(ctx);
    if (body.billingGroupProperties === undefined || body.billingGroupProperties === null) throw invalid("billingGroupProperties is required");
    const g = updateBillingGroup(
      state,
      checkName(ctx.params.billingGroupName, "billingGroupName"),
      readDescription(body.billingGroupProperties),
      optionalInteger(body.expectedVersion, "expectedVersion"),
    );
    return { body: { version: g.version } };
  });

  router.add("DeleteBillingGroup", "DELETE", "/billing-groups/{billingGroupName}", (ctx) => {
    deleteBillingGroup(state, checkName(ctx.params.billingGroupName, "billingGroupName"), optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion"));
    return { body: {} };
  });

  router.add("AddThingToBillingGroup", "PUT", "/billing-groups/addThingToBillingGroup", (ctx) => {
    const { group, thing } = membership(ctx);
    addThingToBillingGroup(state, group, thing);
    return { body: {} };
  });

  router.add("RemoveThingFromBillingGroup", "PUT", "/billing-groups/removeThingFromBillingGroup", (ctx) => {
    const { group, thing } = membership(ctx);
    removeThingFromBillingGroup(state, group, thing);
    return { body: {} };
  });

  router.add("ListThingsInBillingGroup", "GET", "/billing-groups/{billingGroupName}/things", (ctx) => {
    const name = checkName(ctx.params.billingGroupName, "billingGroupName");
    const page = listThingsInBillingGroup(state, name, after(ctx), pageLimit(ctx, "maxResults"));
    return { body: { things: page.items, ...nextTokenOf(page) } };
  });
}

function readDescription(props: unknown): string | undefined {
  if (props === undefined || props === null) return undefined;
  if (typeof props !== "object" || Array.isArray(props)) throw invalid("billingGroupProperties must be an object");
  return optionalString((props as Record<string, unknown>).billingGroupDescription, "billingGroupProperties.billingGroupDescription", 2028);
}

function membership(ctx: RequestContext): { group: Ref; thing: Ref } {
  const body = bodyOf(ctx);
  const ref = (name: string | undefined, arn: unknown, member: string): Ref => {
    if (name !== undefined) return { name };
    if (arn === undefined || arn === null || arn === "") return {};
    if (typeof arn !== "string") throw invalid(`${member} must be a string`);
    return { arn };
  };
  return {
    group: ref(optionalName(body.billingGroupName, "billingGroupName"), body.billingGroupArn, "billingGroupArn"),
    thing: ref(optionalName(body.thingName, "thingName"), body.thingArn, "thingArn"),
  };
}

/** DescribeBillingGroup: `billingGroupProperties` is `{}` without a description (AWS CLI example). */
function describe(state: IotState, g: BillingGroupRecord) {
  return {
    billingGroupName: g.name,
    billingGroupId: g.id,
    billingGroupArn: state.billingGroupArn(g.name),
    version: g.version,
    billingGroupProperties: g.description !== undefined ? { billingGroupDescription: g.description } : {},
    billingGroupMetadata: { creationDate: epochSeconds(g.createdMs) },
  };
}

function after(ctx: RequestContext): string | undefined {
  return decodeToken<string>(ctx.query.get("nextToken"), "string");
}
