// Server state: TanStack Query caches what the API answered, shares it between the panels
// that show it and refreshes it after a change. Query keys are built here only, so a change
// can invalidate everything it affects: every query about a dossier starts with
// ["dossier", code], and invalidating that prefix refreshes the whole dossier page.
//
// API types come from the OpenAPI document (`npm run api-types` writes src/api-schema.d.ts;
// `make test` fails when it drifts from docs/openapi.json): `Schema<"DossierView">`.

import { QueryClient, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useCallback } from "react";

import { api, ApiError } from "./api";
import type { components } from "./api-schema";

export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

const NO_RETRY_BELOW = 500;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A 4xx answer will not change by asking again; a network or 5xx error may.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status > 0 && error.status < NO_RETRY_BELOW),
      },
    },
  });
}

export const queryKeys = {
  dossier: (code: string) => ["dossier", code] as const,
  dossierPart: (code: string, part: string, ...rest: (string | number)[]) => ["dossier", code, part, ...rest] as const,
  me: (part: string) => ["me", part] as const,
  unit: (unitCode: string, part: string, ...rest: (string | number)[]) => ["unit", unitCode, part, ...rest] as const,
};

/** GET `path` under `key`; the request is aborted when no component needs it any more. */
export function useApiQuery<T>(
  key: readonly unknown[],
  path: string,
  options: { enabled?: boolean; refetchInterval?: number | false } = {},
): UseQueryResult<T, Error> {
  return useQuery<T, Error>({
    queryKey: key,
    queryFn: ({ signal }) => api<T>(path, { signal }),
    ...options,
  });
}

/** Refresh every panel of a dossier's page after a change to it. */
export function useRefreshDossier(code: string): () => Promise<void> {
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: queryKeys.dossier(code) }), [client, code]);
}
