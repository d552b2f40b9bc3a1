"""Domain errors: a stable machine code, an HTTP status and a Vietnamese message.

Every error a client can see is one of these; the API turns them into
``{"error_code": CODE, "message": "<tiếng Việt>", "errors": [...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class HosoError(Exception):
    code: str
    message: str
    status: int = 400
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error_code": self.code, "message": self.message}
        if self.errors:
            out["errors"] = [e.as_dict() for e in self.errors]
        out.update(self.extra)
        return out


def bad_request(message: str = "Yêu cầu không hợp lệ.", code: str = "BAD_REQUEST") -> HosoError:
    return HosoError(code, message, 400)


def unauthorized(message: str = "Chưa xác thực hoặc chữ ký không hợp lệ.") -> HosoError:
    return HosoError("UNAUTHORIZED", message, 401)


def forbidden(message: str = "Bạn không có quyền thực hiện thao tác này.") -> HosoError:
    return HosoError("FORBIDDEN", message, 403)


def not_found(message: str = "Không tìm thấy.") -> HosoError:
    return HosoError("NOT_FOUND", message, 404)


def conflict(message: str, code: str = "CONFLICT", **extra: Any) -> HosoError:
    return HosoError(code, message, 409, extra=extra)


def too_large(message: str = "Dữ liệu gửi lên vượt quá kích thước cho phép.") -> HosoError:
    return HosoError("PAYLOAD_TOO_LARGE", message, 413)


def invalid(errors: list[FieldError], message: str = "Dữ liệu không hợp lệ.") -> HosoError:
    return HosoError("INVALID_DATA", message, 422, errors=errors)
