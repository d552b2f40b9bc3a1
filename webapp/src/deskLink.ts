// The coordinator's deep link to desk intake (SPEC §7.7):
// #/tiep-nhan?thutuc=<MaTTHC>&donvi=<MaDonVi>&thamchieu=<ref>&quaylai=<return URL>. A hash route, so
// the static hosting (local server, S3 + CloudFront) serves it as the app's root with no rewrite, and
// the VNeID login comes back to it. hoso checks the return URL (GET /v1/units/{unit}/desk-link).
import type { Route } from "./router";

export interface DeskLinkParams {
  procedure: string;
  unit: string;
  reference: string;
  returnUrl: string;
}

/** The deep link's parameters, when the route is one (an ordinary #/tiep-nhan has no `thutuc`). */
export function deskLinkOf(route: Route): DeskLinkParams | null {
  if (route.path.length !== 1 || route.path[0] !== "tiep-nhan" || !route.params.has("thutuc")) return null;
  const value = (key: string) => (route.params.get(key) ?? "").trim();
  return { procedure: value("thutuc"), unit: value("donvi"), reference: value("thamchieu"), returnUrl: route.params.get("quaylai") ?? "" };
}

/** The return URL (already checked by hoso) with the dossier code and the coordinator's reference. */
export function returnTarget(returnUrl: string, code: string, reference: string | null | undefined): string {
  const url = new URL(returnUrl);
  url.searchParams.append("mahoso", code);
  if (reference) url.searchParams.append("thamchieu", reference);
  return url.toString();
}
