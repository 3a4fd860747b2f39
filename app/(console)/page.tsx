import { redirect } from "next/navigation";
import { requirePage } from "@/lib/auth/guard";

export default async function Home() {
  await requirePage("fleet.read");
  redirect("/things");
}
