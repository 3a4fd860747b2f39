import Link from "next/link";

export default function NotFound() {
  return (
    // Outside the console shell (an unknown URL matches no segment), so it brings its own <main>.
    <main className="max-w-2xl space-y-3 px-5 py-10">
      <p className="text-sm font-semibold text-muted">404</p>
      <h1 className="text-xl font-bold">This page does not exist</h1>
      <p>
        <Link href="/things" className="btn hover:no-underline">
          Go to the things list
        </Link>
      </p>
    </main>
  );
}
