"""``make bench``'s tamper-evidence figures come from the real items: the day index entry is one
transactional write per transition, and the anchor's share per dossier is far below the chain's."""

from bench.integrity import figures


def test_the_chain_and_anchor_costs_are_computed_from_the_real_items() -> None:
    f = figures()
    assert f["event_bytes_added"] > 128, "prev_hash and hash: two 64-character hex digests"
    assert f["write_units_per_transition"] >= 2, "the day index entry, written transactionally"
    assert 0 < f["anchor_usd_per_dossier_day"] < f["chain_usd_per_dossier"]


def test_the_anchors_cost_counts_its_fan_out_pages() -> None:
    from bench.integrity import DOSSIERS_A_DAY
    from chalicelib.integrity.anchor import PAGE_ITEMS, shard_names

    f = figures()
    assert f["anchor_pages_a_day"] == -(-DOSSIERS_A_DAY // PAGE_ITEMS) + len(shard_names())
    assert f["anchor_usd_per_dossier_day"] * DOSSIERS_A_DAY > f["anchor_pages_a_day"] * f["anchor_usd_per_page"]
