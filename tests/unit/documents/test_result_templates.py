"""Result templates as administered data (issue 17 item 6): what a template may say before the
ministry publishes it — every line's source exists (the applicant's and the dossier's fields, the
procedure's eForm fields), the intro names only {agency}."""

from __future__ import annotations

from chalicelib.documents.results import TEMPLATES, ResultLine
from chalicelib.documents.templates import problems
from local.eform_samples import KHAI_SINH

BIRTH = TEMPLATES["1.001193"]


def fields(template_changes: dict[str, object]) -> list[str]:
    return [p.field for p in problems(BIRTH.model_copy(update=template_changes), KHAI_SINH)]


def test_the_built_in_templates_pass_their_own_check() -> None:
    assert problems(BIRTH, KHAI_SINH) == []


def test_every_line_names_a_source_that_exists() -> None:
    lines = [ResultLine(label="Họ tên", source="form.nguoi_duoc_khai_sinh.ho_ten"),
             ResultLine(label="Không có", source="form.nguoi_duoc_khai_sinh.khong_co"),
             ResultLine(label="Mã", source="dossier.code"),
             ResultLine(label="Sai", source="dossier.khong_co"),
             ResultLine(label="Tên", source="applicant.name"),
             ResultLine(label="Khóa", source="applicant.id_key"),
             ResultLine(label="", source="other.x")]
    assert fields({"lines": lines}) == ["template.lines[1].source", "template.lines[3].source",
                                        "template.lines[5].source", "template.lines[6].label",
                                        "template.lines[6].source"]
    assert fields({"lines": []}) == ["template.lines"]
    assert [p.field for p in problems(BIRTH, None)] == [f"template.lines[{i}].source" for i in range(10)]


def test_the_intro_names_only_the_agency_and_the_headings_are_not_empty() -> None:
    assert fields({"intro": "{agency} trích lục"}) == []
    assert fields({"intro": "{agency} gửi {nguoi_nhan}"}) == ["template.intro"]
    assert fields({"intro": "{agency"}) == ["template.intro"]
    assert fields({"title": " ", "signer_title": ""}) == ["template.title", "template.signer_title"]
