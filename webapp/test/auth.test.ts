// The login's own checks around oidc-client-ts, against a fake VNeID: the route to come back
// to, the issuer and audience of the id_token, a foreign or cancelled login.

import { beforeEach, describe, expect, it } from "vitest";

import { beginLogin, completeLogin, currentSession, LoginError } from "../src/auth";
import type { AppConfig } from "../src/config";

const ISSUER = "http://vneid.test";
const APP = "http://app.test";
const config: AppConfig = { issuer: ISSUER, client_id: "hoso-officers", api_base: "", scope: "openid profile" };

class MemoryStorage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, String(v));
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  clear() {
    this.items.clear();
  }
}

const page = { url: `${APP}/`, assigned: "" };
const storage = new MemoryStorage();
const location = {
  get href() {
    return page.url;
  },
  get search() {
    return new URL(page.url).search;
  },
  origin: APP,
  assign(url: string) {
    page.assigned = url;
  },
};
Object.assign(globalThis, {
  sessionStorage: storage,
  localStorage: new MemoryStorage(),
  window: {
    location,
    sessionStorage: storage,
    history: { replaceState: (_s: unknown, _t: string, url: string) => (page.url = new URL(url, APP).href) },
  },
});

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

let idClaims: (nonce: string) => Record<string, unknown> = () => ({});

globalThis.fetch = (async (input: string | URL | Request) => {
  const url = String(input instanceof Request ? input.url : input);
  const json = (body: object) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
  if (url.endsWith("/.well-known/openid-configuration")) {
    return json({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth2/authorize`,
      token_endpoint: `${ISSUER}/token`,
      end_session_endpoint: `${ISSUER}/logout`,
    });
  }
  if (url === `${ISSUER}/token`) {
    const nonce = new URL(page.assigned).searchParams.get("nonce")!;
    return json({ access_token: "access", id_token: jwt(idClaims(nonce)), token_type: "Bearer", expires_in: 3600 });
  }
  return new Response("not found", { status: 404 });
}) as typeof fetch;

const goodClaims = (nonce: string) => ({ iss: ISSUER, aud: "hoso-officers", sub: "u1", nonce, iat: 1, exp: 9999999999, HoVaTen: "Huỳnh Thị Kim Ngân" });

async function loginReturning(query: (state: string) => string): Promise<ReturnType<typeof completeLogin>> {
  await beginLogin(config, "#/tim-kiem");
  const state = new URL(page.assigned).searchParams.get("state")!;
  page.url = `${APP}/?${query(state)}`;
  return completeLogin(config);
}

describe("login with oidc-client-ts", () => {
  beforeEach(() => {
    storage.clear();
    page.url = `${APP}/`;
    idClaims = goodClaims;
  });

  it("asks VNeID for a code with PKCE and comes back to the route asked for", async () => {
    await beginLogin(config, "#/tim-kiem");
    const asked = new URL(page.assigned);
    expect(asked.origin + asked.pathname).toBe(`${ISSUER}/oauth2/authorize`);
    expect(Object.fromEntries(["response_type", "client_id", "redirect_uri", "scope", "code_challenge_method"].map((k) => [k, asked.searchParams.get(k)]))).toEqual({
      response_type: "code",
      client_id: "hoso-officers",
      redirect_uri: `${APP}/`,
      scope: "openid profile",
      code_challenge_method: "S256",
    });
    expect(asked.searchParams.get("nonce")).toMatch(/^[0-9a-f-]{36}$/);
    const state = asked.searchParams.get("state")!;
    page.url = `${APP}/?code=abc&state=${state}`;
    const done = await completeLogin(config);
    expect(done?.returnTo).toBe("#/tim-kiem");
    expect(done?.session).toMatchObject({ accessToken: "access", name: "Huỳnh Thị Kim Ngân", sub: "u1" });
    expect(currentSession()?.accessToken).toBe("access");
    expect(page.url).toBe(`${APP}/#/tim-kiem`);
  });

  it.each([
    ["another issuer", (nonce: string) => ({ ...goodClaims(nonce), iss: "http://evil.test" })],
    ["another audience", (nonce: string) => ({ ...goodClaims(nonce), aud: ["other-app"] })],
    ["another nonce", (nonce: string) => ({ ...goodClaims(nonce), nonce: `${nonce}x` })],
  ])("refuses an id_token for %s", async (_what, claims) => {
    idClaims = claims;
    await expect(loginReturning((state) => `code=abc&state=${state}`)).rejects.toBeInstanceOf(LoginError);
    expect(currentSession()).toBeNull();
  });

  it("refuses a return it did not ask for", async () => {
    await expect(loginReturning(() => "code=abc&state=forged")).rejects.toThrow("Phiên đăng nhập không hợp lệ hoặc đã hết hạn");
    expect(page.url).toBe(`${APP}/`);
  });

  it("says so when the officer cancels at VNeID, back on the route asked for", async () => {
    await expect(loginReturning((state) => `error=access_denied&state=${state}`)).rejects.toThrow("Bạn đã hủy đăng nhập.");
    expect(page.url).toBe(`${APP}/#/tim-kiem`);
  });

  it("is not a login return without a code or an error", async () => {
    expect(await completeLogin(config)).toBeNull();
  });
});
