"""What an integration client may do (SPEC §7; issue 11, High 1) — pure rules.

A client's credential proves which system calls; what that system may do is its **kind** and
the **capabilities** an administrator granted it, never more than its kind allows:

- a *specialised software* may report status (``specialised_status``) and deliver results
  (``specialised_results``) of the dossiers of its procedures; the process actions it may
  report are listed one by one (``actions``, by kind of action). A withdrawal is never one of
  them (the applicant asks for it, at the desk or on DVCQG), and an action the process gives
  to a leader (approval, signature, issue…) only if the client is configured for it
  (``leader_actions``);
- an *agency* system answers the liên thông steps handed to it (``flow_callback``), and only
  those of the agency it is bound to (the ``integration-clients`` secret, ``chalicelib.flows``);
- a *postal service* reports its parcels (``post_tracking``);
- a *self-service kiosk* (SPEC §7.9) calls the kiosk routes (``kiosk``) for the one unit it is
  registered to (``/v1/admin/kiosks``; ``chalicelib.kiosks``), and nothing else;
- the *coordination system* (SPEC §7.7) returns the results of liên thông steps handed to other
  ministries' systems through it (``coordinator_results``), only for the steps handed over through
  it (the agency's entry in the ``integration-clients`` secret names the client), and pushes officers'
  roles after login (``coordinator_roles``) for the units whose roles come from it;
- a *payment platform* calls no client route today (its callbacks are HMAC-signed,
  ``chalicelib/api/payments.py``): it can be registered, and granted nothing.

A client stored before kinds existed (no ``kind``) has no capability: every client route
refuses it with 403 ``FORBIDDEN_CAPABILITY`` until an administrator sets its kind and
capabilities (``PUT /v1/admin/clients/{id}/grants``). Least privilege: nothing is guessed.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError


class ClientKind(enum.StrEnum):
    SPECIALISED_SOFTWARE = "specialised_software"
    AGENCY = "agency"
    POSTAL_SERVICE = "postal_service"
    PAYMENT_PLATFORM = "payment_platform"
    KIOSK = "kiosk"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[ClientKind, str] = {
    ClientKind.SPECIALISED_SOFTWARE: "Phần mềm chuyên ngành",
    ClientKind.AGENCY: "Hệ thống của cơ quan liên thông",
    ClientKind.POSTAL_SERVICE: "Dịch vụ bưu chính",
    ClientKind.PAYMENT_PLATFORM: "Nền tảng thanh toán",
    ClientKind.KIOSK: "Ki-ốt tự phục vụ",
    ClientKind.COORDINATOR: "Hệ thống điều phối",
}


class Capability(enum.StrEnum):
    """A client route (each client route declares the one it needs, ``chalicelib.api.routing``)."""

    SPECIALISED_STATUS = "specialised_status"
    SPECIALISED_RESULTS = "specialised_results"
    FLOW_CALLBACK = "flow_callback"
    POST_TRACKING = "post_tracking"
    KIOSK = "kiosk"
    COORDINATOR_RESULTS = "coordinator_results"
    COORDINATOR_ROLES = "coordinator_roles"
    COORDINATOR_OPINIONS = "coordinator_opinions"


CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.SPECIALISED_STATUS: "Báo tiến độ xử lý hồ sơ (/v1/specialised/dossiers/{code}/status)",
    Capability.SPECIALISED_RESULTS: "Trả kết quả giải quyết (/v1/specialised/dossiers/{code}/results)",
    Capability.FLOW_CALLBACK: "Trả kết quả bước liên thông (/v1/flows/callback)",
    Capability.POST_TRACKING: "Báo trạng thái bưu gửi (/v1/post/tracking)",
    Capability.KIOSK: "Ki-ốt tự phục vụ: thủ tục, tra cứu, in lại giấy tiếp nhận, phiếu tiếp nhận (/v1/kiosk/…)",
    Capability.COORDINATOR_RESULTS: "Trả kết quả bước liên thông qua Hệ thống điều phối "
                                    "(/v1/coordinator/lien-thong/results)",
    Capability.COORDINATOR_ROLES: "Gửi vai trò cán bộ sau đăng nhập (/v1/coordinator/officer-roles)",
    Capability.COORDINATOR_OPINIONS: "Trả ý kiến của cơ quan ngoài hoso được xin ý kiến "
                                     "(/v1/coordinator/consultations/opinions)",
}

# What each kind may ever be granted.
KIND_CAPABILITIES: dict[ClientKind, frozenset[Capability]] = {
    ClientKind.SPECIALISED_SOFTWARE: frozenset({Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS}),
    ClientKind.AGENCY: frozenset({Capability.FLOW_CALLBACK}),
    ClientKind.POSTAL_SERVICE: frozenset({Capability.POST_TRACKING}),
    ClientKind.PAYMENT_PLATFORM: frozenset(),
    ClientKind.KIOSK: frozenset({Capability.KIOSK}),
    ClientKind.COORDINATOR: frozenset({Capability.COORDINATOR_RESULTS, Capability.COORDINATOR_ROLES,
                                       Capability.COORDINATOR_OPINIONS}),
}

# Never reported by a client, whatever it is granted: the applicant withdraws.
NEVER_ACTIONS = frozenset({ActionKind.WITHDRAW})
# Process actions a specialised software may be granted.
GRANTABLE_ACTIONS = tuple(k for k in ActionKind if k not in NEVER_ACTIONS)


@dataclass(frozen=True)
class Grants:
    """What a client may do: its kind, routes, and (specialised software) process actions."""

    kind: ClientKind | None = None
    capabilities: frozenset[Capability] = frozenset()
    actions: frozenset[ActionKind] = frozenset()
    leader_actions: bool = False


def check_grants(kind: ClientKind, capabilities: Collection[Capability], actions: Collection[ActionKind],
                 leader_actions: bool) -> list[FieldError]:  # fmt: skip
    """What is wrong with granting these to a client of ``kind`` (empty: nothing)."""
    errors = []
    allowed = KIND_CAPABILITIES[kind]
    for i, capability in enumerate(capabilities):
        if capability not in allowed:
            errors.append(FieldError(f"capabilities[{i}]", f"{kind.label} không được cấp quyền này."))
    if kind is not ClientKind.SPECIALISED_SOFTWARE and (actions or leader_actions):
        errors.append(FieldError("actions", "Chỉ phần mềm chuyên ngành được báo thao tác xử lý hồ sơ."))
    for i, action in enumerate(actions):
        if action in NEVER_ACTIONS:
            errors.append(FieldError(f"actions[{i}]", "Không hệ thống tích hợp nào được rút hồ sơ thay công dân."))
    return errors


def forbidden_capability(message: str = "Hệ thống tích hợp không được cấp quyền thực hiện thao tác này.") -> HosoError:
    return HosoError("FORBIDDEN_CAPABILITY", message, 403)


def require_capability(grants: Grants, capability: Capability) -> None:
    """403 ``FORBIDDEN_CAPABILITY`` unless the client's kind allows ``capability`` and it was granted."""
    if grants.kind is None or capability not in KIND_CAPABILITIES[grants.kind] or capability not in grants.capabilities:
        raise forbidden_capability()


def require_action(grants: Grants, action: ActionKind, performer: Role) -> None:
    """403 ``FORBIDDEN_CAPABILITY`` unless a specialised software may report ``action`` done by ``performer``."""
    require_capability(grants, Capability.SPECIALISED_STATUS)
    if action in NEVER_ACTIONS or action not in grants.actions:
        raise forbidden_capability(f"Hệ thống tích hợp không được cấp quyền báo thao tác “{action.label}”.")
    if performer is Role.LEADER and not grants.leader_actions:
        raise forbidden_capability(f"Thao tác “{action.label}” là của lãnh đạo; hệ thống tích hợp không được cấu "
                                   "hình để báo thao tác của lãnh đạo.")
