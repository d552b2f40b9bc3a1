"""Officers read their own notifications and mark them read; they set where e-mail and SMS
reminders reach them. Through the routes, with VNeID tokens."""

from __future__ import annotations

import datetime as dt

from chalicelib.notifications import store, sweep
from chalicelib.notifications.reminders import Reminder, ReminderKind
from tests.integration.notifications.conftest import World, account, answer

T0 = dt.datetime(2026, 8, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def reminder(n: int, kind: ReminderKind = ReminderKind.NEW_WORK) -> Reminder:
    return Reminder(kind=kind, dossier_code=f"000.00.13.H29-260803-{n:04d}", unit_code="000.00.13.H29",
                    procedure_name="Đăng ký khai sinh", applicant="Nguyễn Văn An", step_id="tham_dinh",
                    step_name="Thẩm định hồ sơ", detail="chờ xử lý ở bước “Thẩm định hồ sơ”", deadline=None,
                    once=f"{kind.value}#{n}")


def test_a_reminder_is_stored_once_per_once_key(world: World) -> None:
    sub = account("appraiser")["sub"]
    first = store.deliver(sub, reminder(1), T0)
    assert first is not None and first.kind is ReminderKind.NEW_WORK
    assert store.deliver(sub, reminder(1), T0 + dt.timedelta(minutes=15)) is None
    assert store.deliver(account("head")["sub"], reminder(1), T0) is not None, "once per officer"
    assert [n.id for n in store.page(sub).items] == [first.id]


def test_officers_page_through_their_notifications_newest_first_and_mark_them_read(world: World) -> None:
    sub = account("appraiser")["sub"]
    delivered = [store.deliver(sub, reminder(n), T0 + dt.timedelta(minutes=n)) for n in range(1, 6)]
    ids = [d.id for d in reversed(delivered) if d]
    first = world.call("GET", "/v1/me/notifications?limit=2", role="appraiser")
    assert first.status_code == 200
    page = answer(first)
    assert [n["id"] for n in page["items"]] == ids[:2] and page["cursor"]
    rest = answer(world.call("GET", f"/v1/me/notifications?limit=10&cursor={page['cursor']}", role="appraiser"))
    assert [n["id"] for n in rest["items"]] == ids[2:]
    item = page["items"][0]
    assert item["title"] == "Hồ sơ mới cần xử lý" and item["read_at"] is None
    assert item["message"] == "Hồ sơ 000.00.13.H29-260803-0005 (Đăng ký khai sinh, Nguyễn Văn An): " \
                              "chờ xử lý ở bước “Thẩm định hồ sơ”."

    read = world.call("POST", f"/v1/me/notifications/{ids[0]}/read", role="appraiser")
    assert read.status_code == 200 and answer(read)["read_at"]
    again = world.call("POST", f"/v1/me/notifications/{ids[0]}/read", role="appraiser")
    assert answer(again)["read_at"] == answer(read)["read_at"], "reading twice keeps the first time"
    unread = answer(world.call("GET", "/v1/me/notifications?unread=true&limit=100", role="appraiser"))
    assert [n["id"] for n in unread["items"]] == ids[1:]


def test_nobody_reads_or_marks_another_officers_notifications(world: World) -> None:
    mine = store.deliver(account("appraiser")["sub"], reminder(1), T0)
    assert mine is not None
    assert answer(world.call("GET", "/v1/me/notifications", role="head"))["items"] == []
    stranger = world.call("POST", f"/v1/me/notifications/{mine.id}/read", role="head")
    assert stranger.status_code == 404 and answer(stranger)["error_code"] == "NOT_FOUND"
    assert store.page(account("appraiser")["sub"]).items[0].read_at is None
    assert world.call("POST", "/v1/me/notifications/not-an-id/read", role="appraiser").status_code == 404
    assert world.call("GET", "/v1/me/notifications").status_code == 401


def test_a_forged_cursor_or_bad_parameters_are_refused(world: World) -> None:
    forged = world.call("GET", "/v1/me/notifications?cursor=RE9TU0lFUiMx", role="appraiser")
    assert forged.status_code == 400 and answer(forged)["error_code"] == "INVALID_CURSOR"
    assert world.call("GET", "/v1/me/notifications?unread=maybe", role="appraiser").status_code == 400
    assert world.call("GET", "/v1/me/notifications?limit=x", role="appraiser").status_code == 400


def test_officers_choose_where_email_and_sms_reminders_go(world: World) -> None:
    empty = world.call("GET", "/v1/me/notification-settings", role="desk")
    assert empty.status_code == 200 and answer(empty) == {"email": None, "phone": None}
    saved = world.call("PUT", "/v1/me/notification-settings", role="desk",
                       body={"email": "Thu.Ha@MOST.gov.vn", "phone": "+84 912 004 101"})
    assert saved.status_code == 200 and answer(saved) == {"email": "Thu.Ha@most.gov.vn", "phone": "0912004101"}
    assert store.get_preferences(account("desk")["sub"]).phone == "0912004101"
    bad = world.call("PUT", "/v1/me/notification-settings", role="desk", body={"email": "ha@", "phone": "0241234567"})
    assert bad.status_code == 422
    assert {e["field"]: e["message"] for e in answer(bad)["errors"]} == {
        "email": "Địa chỉ thư điện tử không hợp lệ.",
        "phone": "Số điện thoại di động không hợp lệ (ví dụ 0912345678).",
    }
    cleared = world.call("PUT", "/v1/me/notification-settings", role="desk", body={"email": None, "phone": ""})
    assert answer(cleared) == {"email": None, "phone": None}
    unknown = world.call("PUT", "/v1/me/notification-settings", role="desk", body={"fax": "1"})
    assert unknown.status_code == 422


def test_what_the_sweep_wrote_is_what_the_officer_reads(world: World) -> None:
    dossier = world.desk_dossier()
    assert dossier.due_at is not None
    sweep.run(dossier.due_at + dt.timedelta(hours=2))
    items = answer(world.call("GET", "/v1/me/notifications", role="desk"))["items"]
    assert [(n["kind"], n["dossier_code"]) for n in items] == [("dossier_overdue", dossier.code)]
    assert items[0]["deadline"] == dossier.due_at.isoformat()


def test_the_unread_count_follows_reading_one_and_reading_all(world: World) -> None:
    sub, now = account("appraiser")["sub"], dt.datetime.now(dt.UTC)
    delivered = [store.deliver(sub, reminder(n), now + dt.timedelta(seconds=n)) for n in range(1, 4)]
    store.deliver(account("head")["sub"], reminder(9), now)

    def unread(role: str = "appraiser") -> int:
        return int(answer(world.call("GET", "/v1/me/notifications?limit=1", role=role))["unread"])

    assert unread() == 3 and unread("head") == 1
    first = delivered[0]
    assert first is not None
    world.call("POST", f"/v1/me/notifications/{first.id}/read", role="appraiser")
    world.call("POST", f"/v1/me/notifications/{first.id}/read", role="appraiser")
    assert unread() == 2, "reading twice counts once"

    done = world.call("POST", "/v1/me/notifications/read-all", role="appraiser")
    assert done.status_code == 200 and answer(done) == {"unread": 0}
    assert unread() == 0 and all(n.read_at is not None for n in store.page(sub).items)
    assert unread("head") == 1, "reading all reads only the caller's own"
    assert store.page(account("head")["sub"]).items[0].read_at is None


def test_an_expired_unread_marker_is_not_counted(world: World) -> None:
    sub = account("appraiser")["sub"]
    old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=store.NOTIFICATION_TTL_S + 60)
    store.deliver(sub, reminder(1), old)  # past its TTL, not yet removed by DynamoDB
    store.deliver(sub, reminder(2), dt.datetime.now(dt.UTC))
    assert answer(world.call("GET", "/v1/me/notifications", role="appraiser"))["unread"] == 1
