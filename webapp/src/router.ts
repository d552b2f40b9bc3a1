// Routes live in the URL's hash (#/ho-so/…): the built app is static files, served the same
// way by the local server and by S3 + CloudFront, with no rewrite rules, and the OIDC
// redirect URI is simply the app's root.
//
// Kept hand-written on purpose (issue 12 asked to weigh a maintained router): hash URLs,
// `href`, `navigate` and `useRoute` are all the app needs — every screen reads its segments and
// query from `useRoute()`, and loading data is TanStack Query's job, not a router's. A
// maintained router's hash history (React Router, TanStack Router, wouter) would bring a route
// tree and its own links into the 17 modules that use these four names, and nothing the static
// hosting needs: the URLs, the OIDC redirect and the hosting would stay exactly as they are.

import { useEffect, useState } from "react";

export interface Route {
  path: string[]; // decoded segments
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, "");
  const [pathPart, queryPart = ""] = text.split("?", 2);
  const path = pathPart
    .split("/")
    .filter(Boolean)
    .map(decodeSegment);
  return { path, params: new URLSearchParams(queryPart) };
}

/** A segment as written, when it is not valid percent-encoding (a hand-typed "#/ho-so/%E0"). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function href(path: (string | number)[], params?: Record<string, string | number | null | undefined>): string {
  const encoded = path.map((segment) => encodeURIComponent(String(segment))).join("/");
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const query = search.toString();
  return `#/${encoded}${query ? `?${query}` : ""}`;
}

export function navigate(target: string): void {
  window.location.hash = target.replace(/^#/, "");
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
