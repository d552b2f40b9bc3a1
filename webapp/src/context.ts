import { createContext, useContext } from "react";

import type { Session } from "./auth";
import type { AppConfig } from "./config";
import type { Me, Role, Unit } from "./types";

export interface AppState {
  config: AppConfig;
  session: Session;
  me: Me;
  units: Unit[];
  /** The unit the officer is working in now (one of theirs). */
  unit: string;
  /** The officer's roles in that unit. */
  roles: Role[];
  setUnit: (unit: string, home?: boolean) => void; // home: back to the unit's start page (default)
  /** Show a message and say it to screen-reader users (polite live region); ``forHash``: keep it for that route. */
  announce: (message: string, forHash?: string) => void;
  unitName: (code: string) => string;
  roleLabel: (role: string) => string;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error("useApp outside AppContext");
  return state;
}
