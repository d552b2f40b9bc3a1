"""The national population database (CSDL quốc gia về dân cư) for auto-fill and pre-checks.

``POST /v1/citizens/search`` with header ``X-Api-Key`` (env ``SIM_POPULATION_API_KEY``, default
``dev-population-key``) and the body ``{"SoDinhDanh": "<12 digits>"}`` — the personal number is
never in the URL →
``{"SoDinhDanh", "HoVaTen", "NgaySinh" (DD/MM/YYYY), "GioiTinh", "QuocTich", "QueQuan",
"NoiThuongTru", "SoDienThoai"?}``. Errors: 401 ``{"error_code": "UNAUTHORIZED"}`` (missing or
wrong key), 400 ``{"error_code": "INVALID_ID"}`` (no JSON body with a 12-digit ``SoDinhDanh``), 404
``{"error_code": "NOT_FOUND"}``. Who is known: :mod:`local.simulators.citizens`.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Simulator, iso_now, json_response
from local.simulators.citizens import lookup_citizen


class PopulationSimulator(Simulator):
    def __init__(self, name: str, api_key: str) -> None:
        self.api_key = api_key
        self.lookups: list[dict[str, Any]] = []
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [Rule("/v1/citizens/search", endpoint="citizen", methods=["POST"])]

    def on_citizen(self, request: Request) -> Response:
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            body = None
        number = body.get("SoDinhDanh") if isinstance(body, dict) else None
        number = number if isinstance(number, str) else ""
        given = request.headers.get("X-Api-Key", "")
        if not hmac.compare_digest(given.encode(), self.api_key.encode()):
            return self._answer(number, self.error(401, "UNAUTHORIZED", "Thiếu hoặc sai khóa truy cập X-Api-Key"))
        if len(number) != 12 or not number.isdigit():
            return self._answer(number, self.error(400, "INVALID_ID", "Số định danh cá nhân phải gồm đúng 12 chữ số"))
        citizen = lookup_citizen(number)
        if citizen is None:
            return self._answer(number, self.error(404, "NOT_FOUND", "Không tìm thấy công dân trong CSDL dân cư"))
        return self._answer(number, json_response(citizen))

    def _answer(self, number: str, response: Response) -> Response:
        with self.lock:
            self.lookups.append({"at": iso_now(), "SoDinhDanh": number, "status": response.status_code})
        return response

    def snapshot(self) -> dict[str, Any]:
        return {"lookups": self.lookups}

    def clear(self) -> None:
        self.lookups.clear()
