"""What an integration client may do (issue 11, High 1): its kind bounds its capabilities, and a
specialised software's process actions are listed — never a withdrawal, a leader's action only
when configured; a client stored without a kind may do nothing."""

from __future__ import annotations

import pytest

from chalicelib.domain.clients import (
    KIND_CAPABILITIES,
    Capability,
    ClientKind,
    Grants,
    check_grants,
    require_action,
    require_capability,
)
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError

SOFTWARE = Grants(ClientKind.SPECIALISED_SOFTWARE, frozenset({Capability.SPECIALISED_STATUS}),
                  frozenset({ActionKind.SUBMIT, ActionKind.APPROVE}))  # fmt: skip
POSTAL = Grants(ClientKind.POSTAL_SERVICE, frozenset({Capability.POST_TRACKING}))


def refused(call: object, *args: object) -> str:
    with pytest.raises(HosoError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.status == 403
    return caught.value.code


def test_a_client_may_call_only_the_routes_it_was_granted() -> None:
    require_capability(POSTAL, Capability.POST_TRACKING)
    for capability in (Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS, Capability.FLOW_CALLBACK):
        assert refused(require_capability, POSTAL, capability) == "FORBIDDEN_CAPABILITY"
    assert refused(require_capability, SOFTWARE, Capability.SPECIALISED_RESULTS) == "FORBIDDEN_CAPABILITY"


def test_a_capability_outside_the_kind_counts_for_nothing_even_if_stored() -> None:
    # a record edited by hand (or by a bug) to give a postal service the status route
    tampered = Grants(ClientKind.POSTAL_SERVICE, frozenset({Capability.SPECIALISED_STATUS}),
                      frozenset({ActionKind.APPROVE}), leader_actions=True)  # fmt: skip
    assert refused(require_capability, tampered, Capability.SPECIALISED_STATUS) == "FORBIDDEN_CAPABILITY"
    assert refused(require_action, tampered, ActionKind.APPROVE, Role.LEADER) == "FORBIDDEN_CAPABILITY"


def test_a_client_stored_without_a_kind_may_do_nothing() -> None:
    legacy = Grants(None, frozenset(Capability), frozenset(ActionKind), leader_actions=True)
    for capability in Capability:
        assert refused(require_capability, legacy, capability) == "FORBIDDEN_CAPABILITY"
    assert refused(require_action, legacy, ActionKind.SUBMIT, Role.APPRAISER) == "FORBIDDEN_CAPABILITY"


def test_a_specialised_software_reports_only_its_listed_actions() -> None:
    require_action(SOFTWARE, ActionKind.SUBMIT, Role.APPRAISER)
    assert refused(require_action, SOFTWARE, ActionKind.REFUSE, Role.HEAD) == "FORBIDDEN_CAPABILITY"


def test_a_leaders_action_needs_the_leader_configuration() -> None:
    assert refused(require_action, SOFTWARE, ActionKind.APPROVE, Role.LEADER) == "FORBIDDEN_CAPABILITY"
    require_action(SOFTWARE, ActionKind.APPROVE, Role.HEAD)  # the head's approval at a department step
    leader = Grants(**{**SOFTWARE.__dict__, "leader_actions": True})
    require_action(leader, ActionKind.APPROVE, Role.LEADER)


def test_a_withdrawal_is_never_reported_by_a_client() -> None:
    everything = Grants(ClientKind.SPECIALISED_SOFTWARE, frozenset(Capability), frozenset(ActionKind), True)
    assert refused(require_action, everything, ActionKind.WITHDRAW, Role.DESK) == "FORBIDDEN_CAPABILITY"
    errors = check_grants(ClientKind.SPECIALISED_SOFTWARE, [Capability.SPECIALISED_STATUS], [ActionKind.WITHDRAW],
                          False)  # fmt: skip
    assert [e.field for e in errors] == ["actions[0]"]


@pytest.mark.parametrize("kind", list(ClientKind))
def test_grants_are_checked_against_the_kind(kind: ClientKind) -> None:
    assert check_grants(kind, sorted(KIND_CAPABILITIES[kind]), [], False) == []
    outside = [c for c in Capability if c not in KIND_CAPABILITIES[kind]]
    assert [e.field for e in check_grants(kind, outside, [], False)] == [f"capabilities[{i}]"
                                                                         for i in range(len(outside))]
    actions = check_grants(kind, [], [ActionKind.SUBMIT], kind is not ClientKind.SPECIALISED_SOFTWARE)
    assert (actions == []) == (kind is ClientKind.SPECIALISED_SOFTWARE)
