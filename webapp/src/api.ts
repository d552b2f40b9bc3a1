// The hoso API under this origin (/v1/*), with the officer's VNeID access token. Every error
// becomes an ApiError carrying the API's stable code, its Vietnamese message and the fields
// it names ({"error_code", "message", "errors": [{"field", "message"}]}).

export interface FieldMessage {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldMessage[] = [],
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: "Yêu cầu không hợp lệ.",
  401: "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
  403: "Bạn không có quyền thực hiện thao tác này.",
  404: "Không tìm thấy dữ liệu.",
  409: "Dữ liệu vừa được người khác cập nhật. Vui lòng tải lại trang.",
  413: "Dữ liệu gửi lên quá lớn.",
  422: "Dữ liệu không hợp lệ.",
  429: "Hệ thống đang bận. Vui lòng thử lại sau ít phút.",
};

interface ApiSettings {
  base: string;
  token: () => string | null;
  onUnauthorized: () => void;
}

let settings: ApiSettings = { base: "", token: () => null, onUnauthorized: () => undefined };

export function configureApi(next: ApiSettings): void {
  settings = next;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = settings.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  let answer: Response;
  try {
    answer = await fetch(`${settings.base}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.");
  }
  const text = await answer.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!answer.ok) {
    if (answer.status === 401) settings.onUnauthorized();
    const data = (body ?? {}) as { error_code?: unknown; message?: unknown; errors?: unknown };
    const fieldErrors = Array.isArray(data.errors)
      ? data.errors.filter(
          (e): e is FieldMessage => typeof e === "object" && e !== null && typeof e.field === "string" && typeof e.message === "string",
        )
      : [];
    const message =
      typeof data.message === "string" && data.message
        ? data.message
        : (FALLBACK_MESSAGES[answer.status] ?? `Lỗi hệ thống (HTTP ${answer.status}). Vui lòng thử lại sau.`);
    const code = typeof data.error_code === "string" ? data.error_code : `HTTP_${answer.status}`;
    throw new ApiError(answer.status, code, message, fieldErrors, body);
  }
  return body as T;
}

/** A file the API answers (e.g. a CSV report), with the officer's token; ApiError as ``api`` when refused. */
export async function apiBlob(path: string): Promise<Blob> {
  const token = settings.token();
  const answer = await fetch(`${settings.base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!answer.ok) return api<never>(path);
  return answer.blob();
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Đã xảy ra lỗi không mong muốn. Vui lòng thử lại.";
}
