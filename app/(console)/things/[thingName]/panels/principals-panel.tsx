import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { CertificateCard, type CertificateView } from "@/components/things/certificate-card";
import { describeCertificate } from "@/lib/aws/certificates";
import { getPolicy, listAttachedPolicies } from "@/lib/aws/policies";
import { listThingPrincipals } from "@/lib/aws/things";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { classifyPrincipal } from "@/lib/certificates/principal";
import { toErrorData } from "@/lib/errors";

/** The thing's principals; for certificates, their status, validity and the policies attached to them. */
export async function PrincipalsPanel({ thingName }: { thingName: string }) {
  let principals: string[];
  try {
    principals = await listThingPrincipals(thingName);
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title="Could not list the thing's principals" action={<RefreshButton />} />;
  }
  if (principals.length === 0) {
    return <p className="text-muted">No certificate or other principal is attached: this thing cannot connect.</p>;
  }

  const classified = principals.map(classifyPrincipal);
  const nowMs = Date.now();
  const certificates = await mapWithConcurrency(
    classified.filter((p) => p.kind === "certificate"),
    4,
    (p) => loadCertificate(p.certificateId, p.arn),
  );
  const others = classified.filter((p) => p.kind === "other");

  return (
    <div className="space-y-3">
      {certificates.map((c) => (
        <CertificateCard key={c.arn} view={c} nowMs={nowMs} />
      ))}
      {others.length > 0 ? (
        <div>
          <h3 className="text-xs font-semibold tracking-wide text-muted uppercase">Other principals</h3>
          <ul className="mt-1 space-y-0.5 font-mono text-[13px]">
            {others.map((p) => (
              <li key={p.value} className="break-all">
                {p.value}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** One certificate with its policies; each part reports its own failure instead of failing the panel. */
async function loadCertificate(certificateId: string, arn: string): Promise<CertificateView> {
  const [cert, policies] = await Promise.allSettled([describeCertificate(certificateId), loadPolicies(arn)]);
  return {
    arn,
    certificateId,
    certificate: cert.status === "fulfilled" ? { ok: true, data: cert.value } : { ok: false, error: toErrorData(cert.reason) },
    policies: policies.status === "fulfilled" ? policies.value : { ok: false, error: toErrorData(policies.reason) },
  };
}

async function loadPolicies(target: string): Promise<CertificateView["policies"]> {
  const names = await listAttachedPolicies(target);
  const settled = await Promise.allSettled(names.map((n) => getPolicy(n)));
  return {
    ok: true,
    data: settled.map((s, i) =>
      s.status === "fulfilled" ? { ok: true as const, data: s.value } : { ok: false as const, name: names[i], error: toErrorData(s.reason) },
    ),
  };
}
