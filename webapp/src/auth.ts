// Login with VNeID: OpenID Connect authorization code flow with PKCE (S256), as a public
// client. The tokens stay in this tab's sessionStorage (gone when the tab closes); the API
// verifies every access token against the issuer's JWKS, so nothing here is trusted by it.

import type { AppConfig } from "./config";

const SESSION_KEY = "hoso.session";
const PENDING_KEY = "hoso.oidc.pending";

export interface Session {
  accessToken: string;
  idToken: string;
  expiresAt: number; // epoch milliseconds
  name: string;
  sub: string;
}

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  returnTo: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
  issuer: string;
}

export class LoginError extends Error {}

let discovered: Promise<Discovery> | null = null;

function discovery(config: AppConfig): Promise<Discovery> {
  discovered ??= fetch(`${config.issuer}/.well-known/openid-configuration`)
    .then(async (answer) => {
      if (!answer.ok) throw new LoginError(`Không kết nối được VNeID (HTTP ${answer.status}).`);
      return (await answer.json()) as Discovery;
    })
    .catch((error: unknown) => {
      discovered = null;
      throw error instanceof LoginError ? error : new LoginError("Không kết nối được hệ thống định danh VNeID.");
    });
  return discovered;
}

export function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) throw new LoginError("Mã thông báo (id_token) không hợp lệ.");
  const padded = part.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((part.length + 3) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

function redirectUri(): string {
  return `${window.location.origin}/`;
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
  const endpoints = await discovery(config);
  const pending: Pending = {
    state: randomToken(),
    nonce: randomToken(),
    verifier: randomToken(48), // 64 characters, within PKCE's 43..128
    redirectUri: redirectUri(),
    returnTo,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: pending.redirectUri,
    scope: config.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await pkceChallenge(pending.verifier),
    code_challenge_method: "S256",
  });
  window.location.assign(`${endpoints.authorization_endpoint}?${query.toString()}`);
}

/**
 * Finish a login when VNeID has just sent the browser back here (``?code=…&state=…`` or
 * ``?error=…``); answer the session and the route to go to, or null when this page load is
 * not a login return.
 */
export async function completeLogin(config: AppConfig): Promise<{ session: Session; returnTo: string } | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  const error = params.get("error");
  if (!code && !error) {
    if (params.has("state")) cleanUrl(""); // back from VNeID's logout
    return null;
  }
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  if (!pending || pending.state !== params.get("state")) {
    cleanUrl("");
    throw new LoginError("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.");
  }
  if (error) {
    cleanUrl(pending.returnTo);
    const cancelled = error === "access_denied";
    throw new LoginError(cancelled ? "Bạn đã hủy đăng nhập." : params.get("error_description") || "Đăng nhập không thành công.");
  }
  const endpoints = await discovery(config);
  const answer = await fetch(endpoints.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: code ?? "",
      redirect_uri: pending.redirectUri,
      client_id: config.client_id,
      code_verifier: pending.verifier,
    }),
  }).catch(() => null);
  cleanUrl(pending.returnTo);
  if (!answer) throw new LoginError("Không kết nối được hệ thống định danh VNeID.");
  const body = (await answer.json().catch(() => ({}))) as Record<string, unknown>;
  if (!answer.ok || typeof body.access_token !== "string" || typeof body.id_token !== "string") {
    throw new LoginError(String(body.error_description ?? "VNeID không cấp mã truy cập. Vui lòng đăng nhập lại."));
  }
  const claims = decodeJwtPayload(body.id_token);
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.nonce !== pending.nonce || claims.iss !== endpoints.issuer || !audience.includes(config.client_id)) {
    throw new LoginError("Mã định danh trả về không khớp với yêu cầu đăng nhập. Vui lòng đăng nhập lại.");
  }
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 3600;
  const session: Session = {
    accessToken: body.access_token,
    idToken: body.id_token,
    expiresAt: Date.now() + expiresIn * 1000,
    name: String(claims.HoVaTen ?? ""),
    sub: String(claims.sub ?? ""),
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return { session, returnTo: pending.returnTo };
}

function cleanUrl(hash: string): void {
  window.history.replaceState(null, "", `/${hash}`);
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Forget the tokens and end the VNeID session too (back to this app's home page). */
export async function logout(config: AppConfig): Promise<void> {
  forgetSession();
  const endpoints = await discovery(config).catch(() => null);
  if (!endpoints?.end_session_endpoint) {
    window.location.assign("/");
    return;
  }
  const query = new URLSearchParams({ post_logout_redirect_uri: redirectUri(), state: randomToken(16) });
  window.location.assign(`${endpoints.end_session_endpoint}?${query.toString()}`);
}
