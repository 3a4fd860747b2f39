import "server-only";
import { GetPolicyCommand, ListAttachedPoliciesCommand } from "@aws-sdk/client-iot";
import type { PolicyInfo } from "@/lib/certificates/types";
import { collectPages, readIot } from "./client";

/** Names of the policies attached to a target (a certificate ARN, a group ARN…), all pages. ListAttachedPolicies pages with marker/pageSize. */
export async function listAttachedPolicies(target: string): Promise<string[]> {
  const policies = await collectPages(async (marker) => {
    const out = await readIot({ operation: "ListAttachedPolicies", budget: "registry", key: { target, marker } }, (c) =>
      c.send(new ListAttachedPoliciesCommand({ target, marker, pageSize: 250 })),
    );
    return { items: out.policies ?? [], next: out.nextMarker };
  });
  return [...new Set(policies.map((p) => p.policyName ?? "").filter(Boolean))];
}

export async function getPolicy(policyName: string): Promise<PolicyInfo> {
  const out = await readIot({ operation: "GetPolicy", budget: "registry", key: { policyName } }, (c) => c.send(new GetPolicyCommand({ policyName })));
  return {
    name: out.policyName ?? policyName,
    arn: out.policyArn ?? null,
    defaultVersionId: out.defaultVersionId ?? null,
    document: out.policyDocument ?? "",
  };
}
