"""FR-21 search: a filtered search reads at most ``SEARCH_READ_PAGES`` index pages per request,
so its cost stays flat however many dossiers a unit holds; following the cursor finds every
match exactly once."""

from __future__ import annotations

from chalicelib.store import dossiers
from tests.integration.reports.conftest import UNIT, World

LIMIT = 5


def _all_pages(**criteria: object) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = dossiers.search(UNIT, limit=LIMIT, cursor=cursor, **criteria)  # type: ignore[arg-type]
        pages.append([d.code for d in page.items])
        cursor = page.cursor
        if cursor is None:
            return pages


def test_a_search_matching_nothing_reads_a_bounded_part_then_says_search_on(world: World) -> None:
    created = [world.desk_dossier().code for _ in range(LIMIT * dossiers.SEARCH_READ_PAGES + 3)]
    first = dossiers.search(UNIT, applicant="Không Có Người Này", limit=LIMIT)
    assert first.items == [] and first.cursor is not None, "one request read a bounded part, not the whole unit"
    assert _all_pages(applicant="Không Có Người Này") == [[], []]
    assert len(created) == LIMIT * dossiers.SEARCH_READ_PAGES + 3


def test_following_the_cursor_finds_every_match_once(world: World) -> None:
    created = {world.desk_dossier().code for _ in range(2 * LIMIT + 2)}
    pages = _all_pages(status=2)
    found = [code for page in pages for code in page]
    assert sorted(found) == sorted(created)
    assert all(len(page) == LIMIT for page in pages[:-1])
