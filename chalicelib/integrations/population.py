"""The national population database (Cơ sở dữ liệu quốc gia về dân cư), read for auto-fill at
the desk (SPEC §5, FR-12.1 "reuse national DB data"); reached through the integration platform
in production, ``local.simulators.population`` locally.

``POST {POPULATION_BASE_URL}/v1/citizens/search`` with header ``X-Api-Key`` and the body
``{"SoDinhDanh": "<12 digits>"}`` (the number never travels in a URL: paths and query strings end
up in access logs and proxies) → 200
``{"SoDinhDanh", "HoVaTen", "NgaySinh" (DD/MM/YYYY), "GioiTinh", "QuocTich", "QueQuan",
"NoiThuongTru", "SoDienThoai"?}``, 404 when the database does not know the number. The key is
the ``api_key`` of the JSON secret ``HOSO_POPULATION_SECRET_ID``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib import outbound
from chalicelib.domain.identifiers import nfc
from chalicelib.integrations import secrets
from chalicelib.settings import get_settings

TIMEOUT_S = 5.0  # an officer is waiting at the desk
ATTRIBUTES = ("SoDinhDanh", "HoVaTen", "NgaySinh", "GioiTinh", "QuocTich", "QueQuan", "NoiThuongTru", "SoDienThoai")
# Other names eForms use for the same data (``autofill_source``): VNeID calls the birth date so.
ALIASES = {"NgayThangNamSinh": "NgaySinh"}


class PopulationUnavailable(Exception):
    """The database could not be reached, refused hoso's credential, or answered nonsense."""


@dataclass(frozen=True)
class Citizen:
    """What the database holds about a person, under its own attribute names."""

    record: Mapping[str, str]

    def attribute(self, name: str) -> str | None:
        value = self.record.get(ALIASES.get(name, name))
        return value or None

    @classmethod
    def from_answer(cls, payload: Any) -> Citizen:
        if not isinstance(payload, dict) or not isinstance(payload.get("SoDinhDanh"), str):
            raise PopulationUnavailable("the answer is not a citizen record")
        return cls({k: nfc(v).strip() for k, v in payload.items() if k in ATTRIBUTES and isinstance(v, str)})


@dataclass(frozen=True)
class PopulationClient:
    base_url: str
    api_key: str
    timeout_s: float = TIMEOUT_S

    def citizen(self, so_dinh_danh: str) -> Citizen | None:
        """The citizen with this personal number, or None when the database does not know them."""
        url = f"{self.base_url.rstrip('/')}/v1/citizens/search"
        try:
            answer = outbound.post_json(url, {"SoDinhDanh": so_dinh_danh},
                                    headers={"X-Api-Key": self.api_key, "Accept": "application/json"},
                                    timeout=self.timeout_s)
            if answer.status == 404:
                return None
            if answer.status != 200:
                payload = answer.json() if "json" in answer.content_type else None
                code = payload.get("error_code") if isinstance(payload, dict) else None
                raise PopulationUnavailable(f"HTTP {answer.status} {code or ''}".strip())
            return Citizen.from_answer(answer.json())
        except outbound.GatewayError as err:
            raise PopulationUnavailable(str(err)) from None


def connect() -> PopulationClient:
    """The database as configured (endpoint in the settings, key in Secrets Manager)."""
    settings = get_settings()
    secret = secrets.get_json(settings.population_secret_id)
    return PopulationClient(base_url=settings.population_base_url, api_key=str(secret["api_key"]))
