// Runtime settings, read once from /config.json (written by local/webapp.py locally and by
// infra next to the built files in production): the build itself carries no URL.

export interface AppConfig {
  /** The VNeID issuer (OIDC), e.g. http://127.0.0.1:8104 for the simulator. */
  issuer: string;
  /** This application's client id at VNeID (also the audience of the API's tokens). */
  client_id: string;
  /** Prefix of the hoso API on this origin: "" when /v1/* is served here (CloudFront, local server). */
  api_base: string;
  scope: string;
}

export async function loadConfig(): Promise<AppConfig> {
  const answer = await fetch("/config.json", { cache: "no-store" });
  if (!answer.ok) {
    throw new Error(`Không đọc được cấu hình ứng dụng (/config.json: HTTP ${answer.status}).`);
  }
  const raw = (await answer.json()) as Partial<AppConfig>;
  if (!raw.issuer || !raw.client_id) {
    throw new Error("Cấu hình ứng dụng thiếu địa chỉ VNeID (issuer) hoặc mã ứng dụng (client_id).");
  }
  return {
    issuer: raw.issuer.replace(/\/+$/, ""),
    client_id: raw.client_id,
    api_base: (raw.api_base ?? "").replace(/\/+$/, ""),
    scope: raw.scope ?? "openid profile",
  };
}
