import { ForbiddenNotice } from "@/components/auth/forbidden-notice";

/** 403 inside the console shell: the sidebar stays, so the user can go where their role allows. */
export default function Forbidden() {
  return <ForbiddenNotice />;
}
