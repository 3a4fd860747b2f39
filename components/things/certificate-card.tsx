import { Badge, type Tone } from "@/components/ui/badge";
import { ErrorNotice } from "@/components/ui/error-notice";
import { daysToExpiry, describeExpiry, expiryState, EXPIRY_WARNING_DAYS, type ExpiryState } from "@/lib/certificates/expiry";
import type { CertificateInfo, PolicyInfo } from "@/lib/certificates/types";
import type { AppErrorData } from "@/lib/errors";
import { formatUtc } from "@/lib/format/time";
import { viewPolicyDocument } from "@/lib/policies/document";

type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorData };
export type PolicyResult = { ok: true; data: PolicyInfo } | { ok: false; name: string; error: AppErrorData };

export interface CertificateView {
  arn: string;
  certificateId: string;
  certificate: Result<CertificateInfo>;
  policies: Result<PolicyResult[]>;
}

const STATUS_TONE: Record<string, Tone> = {
  ACTIVE: "ok",
  INACTIVE: "idle",
  REVOKED: "bad",
  PENDING_TRANSFER: "warn",
  PENDING_ACTIVATION: "warn",
  REGISTER_INACTIVE: "idle",
};

const EXPIRY_TONE: Record<ExpiryState, Tone> = { expired: "bad", expiring: "warn", valid: "ok", not_yet_valid: "warn", unknown: "idle" };

export function CertificateCard({ view, nowMs }: { view: CertificateView; nowMs: number }) {
  const headingId = `cert-${view.certificateId.slice(0, 12)}`;
  return (
    <article aria-labelledby={headingId} className="rounded border border-border bg-surface-2/40 p-3">
      <header className="flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="font-semibold">
          Certificate{" "}
          <span className="font-mono text-[13px] font-normal" title={view.certificateId}>
            {view.certificateId.slice(0, 16)}…
          </span>
        </h3>
        {view.certificate.ok ? <CertificateBadges cert={view.certificate.data} nowMs={nowMs} /> : null}
      </header>
      {view.certificate.ok ? (
        <CertificateFacts cert={view.certificate.data} nowMs={nowMs} />
      ) : (
        <div className="mt-2">
          <ErrorNotice error={view.certificate.error} title="Could not describe this certificate" />
        </div>
      )}
      <PolicyList policies={view.policies} />
    </article>
  );
}

function CertificateBadges({ cert, nowMs }: { cert: CertificateInfo; nowMs: number }) {
  const state = expiryState(cert, nowMs);
  const days = daysToExpiry(cert.notAfter, nowMs);
  const label = state === "not_yet_valid" ? "not yet valid" : describeExpiry(cert.notAfter, nowMs);
  return (
    <>
      <Badge tone={STATUS_TONE[cert.status] ?? "neutral"} title="Certificate status">
        {cert.status}
      </Badge>
      <Badge
        tone={EXPIRY_TONE[state]}
        title={days === null ? "No validity period recorded" : `Warning below ${EXPIRY_WARNING_DAYS} days; ${days} whole days left`}
      >
        {state === "expired" ? "EXPIRED · " : state === "expiring" ? "EXPIRING · " : ""}
        {label}
      </Badge>
    </>
  );
}

function CertificateFacts({ cert, nowMs }: { cert: CertificateInfo; nowMs: number }) {
  const state = expiryState(cert, nowMs);
  const untilTone = state === "expired" ? "text-bad font-semibold" : state === "expiring" ? "text-warn font-semibold" : "";
  return (
    <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      <dt className="text-muted">Valid from</dt>
      <dd className="font-mono text-[13px]">{formatUtc(cert.notBefore)}</dd>
      <dt className="text-muted">Valid until</dt>
      <dd className={`font-mono text-[13px] ${untilTone}`}>{formatUtc(cert.notAfter)}</dd>
      <dt className="text-muted">Certificate ID</dt>
      <dd className="font-mono text-[13px] break-all">{cert.id}</dd>
      <dt className="text-muted">Issuer</dt>
      <dd>{cert.caCertificateId ? <span className="font-mono text-[13px] break-all">CA {cert.caCertificateId}</span> : "AWS IoT (Amazon Root CA)"}</dd>
    </dl>
  );
}

function PolicyList({ policies }: { policies: CertificateView["policies"] }) {
  if (!policies.ok) {
    return (
      <div className="mt-2">
        <ErrorNotice error={policies.error} title="Could not list attached policies" />
      </div>
    );
  }
  return (
    <div className="mt-3">
      <h4 className="text-xs font-semibold tracking-wide text-muted uppercase">Attached policies ({policies.data.length})</h4>
      {policies.data.length === 0 ? <p className="mt-1 text-muted">None: a device with this certificate is not allowed to do anything.</p> : null}
      <ul className="mt-1 space-y-1">
        {policies.data.map((p) =>
          p.ok ? (
            <li key={p.data.name}>
              <PolicyDocument policy={p.data} />
            </li>
          ) : (
            <li key={p.name}>
              <span className="font-mono text-[13px]">{p.name}</span> <span className="text-sm text-warn">— {p.error.message}</span>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}

/** Native <details>: expandable without JavaScript, keyboard-accessible by default. */
function PolicyDocument({ policy }: { policy: PolicyInfo }) {
  const view = viewPolicyDocument(policy.document);
  return (
    <details className="group rounded border border-border bg-surface">
      <summary className="cursor-pointer list-none px-2 py-1 marker:hidden">
        <span aria-hidden="true" className="mr-1 inline-block text-muted transition-transform group-open:rotate-90">
          ▸
        </span>
        <span className="font-mono text-[13px] font-semibold">{policy.name}</span>
        {policy.defaultVersionId ? <span className="ml-2 text-xs text-muted">v{policy.defaultVersionId}</span> : null}
        <span className="ml-2 text-sm text-muted">{view.summary}</span>
      </summary>
      <pre className="max-h-96 overflow-auto border-t border-border px-3 py-2 font-mono text-xs leading-relaxed">{view.pretty}</pre>
    </details>
  );
}
