// Login with VNeID: OpenID Connect authorization code flow with PKCE (S256), as a public
// client, by oidc-client-ts (discovery, state, nonce, PKCE, the code exchange, end session).
// The tokens stay in this tab's sessionStorage (gone when the tab closes); the API verifies
// every access token against the issuer's JWKS, so nothing here is trusted by it.

import { ErrorResponse, OidcClient, WebStorageStateStore } from "oidc-client-ts";

import type { AppConfig } from "./config";

const SESSION_KEY = "hoso.session";

export interface Session {
  accessToken: string;
  idToken: string;
  expiresAt: number; // epoch milliseconds
  name: string;
  sub: string;
}

export class LoginError extends Error {}

const UNREACHABLE = "Không kết nối được hệ thống định danh VNeID.";

let client: OidcClient | null = null;

function redirectUri(): string {
  return `${window.location.origin}/`;
}

function oidc(config: AppConfig): OidcClient {
  client ??= new OidcClient({
    authority: config.issuer,
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    post_logout_redirect_uri: redirectUri(),
    response_type: "code",
    scope: config.scope,
    // A login in progress belongs to this tab, like its tokens.
    stateStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: "hoso.oidc." }),
  });
  return client;
}

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  const session = JSON.parse(raw) as Session;
  if (session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }
  return session;
}

/** Go to VNeID's login page; ``returnTo`` is the route (hash) to come back to. */
export async function beginLogin(config: AppConfig, returnTo: string): Promise<void> {
  const request = await oidc(config)
    // oidc-client-ts sends a nonce (and checks it in the id_token) only when given one.
    .createSigninRequest({ state: returnTo, nonce: crypto.randomUUID() })
    .catch(() => {
      throw new LoginError(UNREACHABLE);
    });
  window.location.assign(request.url);
}

/**
 * Finish a login when VNeID has just sent the browser back here (``?code=…&state=…`` or
 * ``?error=…``); answer the session and the route to go to, or null when this page load is
 * not a login return.
 */
export async function completeLogin(config: AppConfig): Promise<{ session: Session; returnTo: string } | null> {
  const url = window.location.href;
  const params = new URLSearchParams(window.location.search);
  if (!params.has("code") && !params.has("error")) {
    if (params.has("state")) {
      // back from VNeID's logout: its state is spent whether or not it still matches
      await oidc(config).processSignoutResponse(url).catch(() => null);
      cleanUrl("");
    }
    return null;
  }
  const pending = await oidc(config)
    .readSigninResponseState(url)
    .catch(() => null);
  const returnTo = typeof pending?.state.data === "string" ? pending.state.data : "";
  if (!pending) {
    cleanUrl("");
    throw new LoginError("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.");
  }
  const response = await oidc(config)
    .processSigninResponse(url)
    .catch((error: unknown) => {
      cleanUrl(returnTo);
      if (!(error instanceof ErrorResponse)) throw new LoginError(UNREACHABLE);
      if (error.error === "access_denied") throw new LoginError("Bạn đã hủy đăng nhập.");
      throw new LoginError(error.error_description || "VNeID không cấp mã truy cập. Vui lòng đăng nhập lại.");
    });
  cleanUrl(returnTo);
  // oidc-client-ts checks the nonce; the issuer and the audience are checked here.
  const issuer = await oidc(config).metadataService.getIssuer();
  const claims = response.profile;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!response.access_token || !response.id_token || claims.iss !== issuer || !audience.includes(config.client_id)) {
    throw new LoginError("Mã định danh trả về không khớp với yêu cầu đăng nhập. Vui lòng đăng nhập lại.");
  }
  const session: Session = {
    accessToken: response.access_token,
    idToken: response.id_token,
    expiresAt: (response.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000,
    name: String(claims.HoVaTen ?? ""),
    sub: claims.sub,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return { session, returnTo };
}

function cleanUrl(hash: string): void {
  window.history.replaceState(null, "", `/${hash}`);
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Forget the tokens and end the VNeID session too (back to this app's home page). */
export async function logout(config: AppConfig): Promise<void> {
  const idToken = currentSession()?.idToken;
  forgetSession();
  const request = await oidc(config)
    .createSignoutRequest(idToken ? { id_token_hint: idToken } : {})
    .catch(() => null);
  window.location.assign(request?.url ?? "/");
}
