"""A language-model service that rewords the officers' assistant's answers (FR-22), optional.

Off unless the stage setting ``HOSO_ASSISTANT_LLM`` (default ``off``) is the service's URL; reached
through the integration platform in production (which holds the service's credentials),
``local.simulators.llm`` locally. It is given
only the question and the numbered facts hoso already built (never the dossier or the
catalogue), and whatever it answers is checked by ``chalicelib.domain.assistant.verify`` before
an officer sees it.

``POST {HOSO_ASSISTANT_LLM}/v1/chat/completions`` with
``{"model": "hoso-assistant", "temperature": 0, "messages": [{"role": "system", "content": <rules>},
{"role": "user", "content": <JSON {"question", "facts": [{"n", "text", "source"}]}>}]}`` → 200
``{"choices": [{"message": {"content": "<prose citing facts as [n]>"}}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib import outbound
from chalicelib.domain.assistant import Fact
from chalicelib.settings import get_settings

TIMEOUT_S = 8.0  # an officer is waiting; the composed answer is ready anyway
MAX_ANSWER_CHARS = 4000
RULES = (
    "Bạn là trợ lý của cán bộ giải quyết thủ tục hành chính. Trả lời câu hỏi bằng tiếng Việt, ngắn gọn, CHỈ dựa "
    "trên các dữ kiện được cung cấp; mỗi câu ghi dữ kiện đã dùng dạng [n]. Không thêm giấy tờ, khoản phí, số liệu, "
    "thời hạn hay căn cứ nào không có trong dữ kiện. Không đủ dữ kiện thì nói không có trong danh mục."
)


class LanguageModelUnavailable(Exception):
    """The service could not be reached, failed, or answered something unreadable."""


@dataclass(frozen=True)
class LanguageModel:
    base_url: str
    timeout_s: float = TIMEOUT_S

    def reword(self, question: str, facts: Sequence[Fact]) -> str:
        payload = {
            "model": "hoso-assistant",
            "temperature": 0,
            "messages": [
                {"role": "system", "content": RULES},
                {"role": "user", "content": json.dumps(
                    {"question": question,
                     "facts": [{"n": i + 1, "text": f.text, "source": f.source} for i, f in enumerate(facts)]},
                    ensure_ascii=False)},
            ],
        }
        try:
            answer = outbound.post_json(f"{self.base_url.rstrip('/')}/v1/chat/completions", payload,
                                        timeout=self.timeout_s)
            if answer.status != 200:
                raise LanguageModelUnavailable(f"HTTP {answer.status}")
            body = answer.json()
        except outbound.GatewayError as err:
            raise LanguageModelUnavailable(str(err)) from None
        try:
            content = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LanguageModelUnavailable("the answer has no choices[0].message.content") from None
        if not isinstance(content, str) or not content.strip() or len(content) > MAX_ANSWER_CHARS:
            raise LanguageModelUnavailable("the answer's content is empty or too long")
        return content.strip()


OFF = "off"


def configured() -> LanguageModel | None:
    """The service as configured, or None when the setting is off."""
    url = get_settings().assistant_llm.strip()
    return None if url in ("", OFF) else LanguageModel(url)
