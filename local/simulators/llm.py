"""A language-model service (the officers' assistant's optional rewording, FR-22; the contract is
``chalicelib/integrations/language_model.py`` and docs/assistant.md).

``POST /v1/chat/completions`` with ``{"model", "messages": [{"role": "system"|"user", "content"}]}``
where the last user message's content is JSON ``{"question", "facts": [{"n", "text", "source"}]}``
→ 200 ``{"id", "model", "choices": [{"index": 0, "message": {"role": "assistant", "content"}}]}``:
the facts reworded as prose a model would write ("Theo danh mục, …"), each sentence citing its
fact as ``[n]``. A body it cannot read → 400 ``BAD_REQUEST``.

Modes besides the common ones (``down``, ``delay_ms``, ``fail_next``): ``"invent": bool`` — add a
requirement no fact holds (a document and a fee: what hoso must refuse to show);
``"garble": bool`` — answer 200 without ``choices`` (an unreadable answer). ``GET /_sim/records``:
every request body received and the answer given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import BadInput, Mode, Simulator, iso_now, json_response, read_json_object

INVENTED: Final = "Ngoài ra cần nộp thêm Sổ hộ khẩu bản chính và lệ phí 50.000 đồng."


@dataclass
class LlmMode(Mode):
    invent: bool = False
    garble: bool = False


def _facts(body: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadInput("messages: bắt buộc / required")
    last = messages[-1]
    if not isinstance(last, dict) or last.get("role") != "user" or not isinstance(last.get("content"), str):
        raise BadInput("messages[-1]: tin nhắn của người dùng / a user message")
    try:
        content = json.loads(last["content"])
    except ValueError:
        raise BadInput("messages[-1].content: JSON {question, facts}") from None
    facts = content.get("facts") if isinstance(content, dict) else None
    if not isinstance(facts, list) or not all(isinstance(f, dict) and isinstance(f.get("text"), str) for f in facts):
        raise BadInput("facts: danh sách {n, text, source} / a list of {n, text, source}")
    return str(content.get("question", "")), facts


def reword(facts: list[dict[str, Any]]) -> str:
    """What the simulated model answers: the facts in prose, each citing its number."""
    sentences = [f"{str(f['text']).rstrip('.')} [{f.get('n', i + 1)}]." for i, f in enumerate(facts)]
    return "Theo danh mục, xin trả lời như sau. " + " ".join(sentences)


class LlmSimulator(Simulator):
    mode_class = LlmMode
    failable = frozenset({"completions"})

    def __init__(self, name: str) -> None:
        self.requests: list[dict[str, Any]] = []
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [Rule("/v1/chat/completions", endpoint="completions", methods=["POST"])]

    def snapshot(self) -> dict[str, Any]:
        return {"requests": list(self.requests)}

    def clear(self) -> None:
        self.requests.clear()

    def on_completions(self, request: Request) -> Response:
        body = read_json_object(request)
        _, facts = _facts(body)
        with self.lock:
            mode = self.mode
        content = reword(facts) + (f" {INVENTED}" if mode.invent else "")
        answer: dict[str, Any] = {"id": f"sim-{len(self.requests) + 1}", "model": str(body.get("model", ""))}
        if not mode.garble:
            answer["choices"] = [{"index": 0, "message": {"role": "assistant", "content": content}}]
        with self.lock:
            self.requests.append({"at": iso_now(), "body": body, "answer": answer})
        return json_response(answer)


DEFAULT_PORT: Final = 8121


def main() -> None:
    """``python -m local.simulators.llm``: serve it on ``SIM_LLM_PORT`` (8121) until Ctrl-C; point hoso at it
    with ``HOSO_ASSISTANT_LLM=http://127.0.0.1:8121 make run``."""
    import os
    import threading

    from local.simulators.base import serve

    server = serve(LlmSimulator("llm"), int(os.environ.get("SIM_LLM_PORT") or DEFAULT_PORT))
    print(f"llm          {server.url}  (Ctrl-C để dừng / to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
