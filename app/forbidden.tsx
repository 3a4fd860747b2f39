import { ForbiddenNotice } from "@/components/auth/forbidden-notice";

/** 403 for a signed-in user whose role lacks the page's permission (requirePage → forbidden()), outside the console shell. */
export default function Forbidden() {
  return (
    <main className="px-5 py-10">
      <ForbiddenNotice />
    </main>
  );
}
