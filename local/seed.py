"""Demo data for the local stack: the ministry and two provinces' units, real procedures
(both Decree-63 liên thông chains included), the default process, officers for every role
(the same accounts the VNeID simulator logs in), and a demo make-up working Saturday.

Idempotent: running it twice leaves the same catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from chalicelib.auth.registry import IntegrationClient, hash_secret, put_client
from chalicelib.documents.trust import trust_gateway_root
from chalicelib.domain.calendar import CalendarOverride, Duration
from chalicelib.domain.catalogue import (
    FeeItem,
    OfficerProfile,
    Procedure,
    RequiredDocument,
    ResultKind,
    RoleAssignment,
    Unit,
)
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.process import ActionKind, ProcessDefinition, validate_process
from chalicelib.domain.roles import Role
from chalicelib.flows import chains
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store.catalogue import AlreadyPublished
from local.eform_samples import MAI_TANG, PROCEDURE_EFORMS, SAMPLE_EFORMS
from local.simulators.accounts import DEMO_ACCOUNTS, DEMO_UNITS, HCMC_UNIT

DEFAULT_PROCESS_FILE = Path(__file__).resolve().parent.parent / "chalicelib" / "domain" / "default_process.json"
ALL_UNITS = [u["code"] for u in DEMO_UNITS]
AGENCY_SIM_CLIENT = "agency-sim"  # the agency simulator's integration client
COORDINATOR_SIM_CLIENT = "coordinator-sim"  # the coordinator simulator's integration client
# Agencies that are other ministries' systems, reached through the coordination system (SPEC §7.7).
VIA_COORDINATOR = ("bhxh",)
# What the demo specialised software may report: its officers' processing (no leader's action).
SPECIALISED_ACTIONS = (ActionKind.ASSIGN, ActionKind.REASSIGN, ActionKind.SUBMIT, ActionKind.APPRAISE,
                       ActionKind.CONSULT, ActionKind.RECORD_OPINION, ActionKind.REQUEST_SUPPLEMENT,
                       ActionKind.RECEIVE_SUPPLEMENT, ActionKind.PROPOSE_REFUSAL, ActionKind.RETURN,
                       ActionKind.EXTEND)
SMOKE_TEST_UNIT_NAME = "Đơn vị kiểm tra sau triển khai (không đồng bộ)"
BIRTH_CHAIN_CODE = "9.063001"  # the birth chain's procedure (local code: see procedures())

_TITLES = {
    Role.DESK: ("Chuyên viên", "Bộ phận Một cửa"),
    Role.HEAD: ("Trưởng phòng", "Phòng Quản lý chuyên ngành"),
    Role.APPRAISER: ("Chuyên viên thẩm định", "Phòng Quản lý chuyên ngành"),
    Role.LEADER: ("Phó Giám đốc", "Lãnh đạo đơn vị"),
    Role.CLERK: ("Văn thư", "Văn phòng"),
    Role.ADMIN: ("Quản trị hệ thống", "Trung tâm Công nghệ thông tin"),
    Role.PROVINCE_ADMIN: ("Quản trị cấp tỉnh", "Văn phòng"),
    Role.OPERATOR: ("Kỹ sư vận hành", "Trung tâm Công nghệ thông tin"),
}


def _doc(code: str, name: str, required: bool = True) -> RequiredDocument:
    return RequiredDocument(code=code, name=name, required=required)


def procedures(process_code: str) -> list[Procedure]:
    """Real procedures of the national procedure database (codes as published there; the
    liên thông ones follow Decree 63/2024/NĐ-CP)."""
    common = {"unit_codes": ALL_UNITS, "process_code": process_code}
    # the result: drawn up from the procedure's template and signed by the leader's approval
    drawn_up = {"result_kind": ResultKind.TEMPLATE, "result_signed": True, "sign_on_approval": True}
    # a liên thông parent has no document of its own: it returns the results of its chain's steps
    chain = {"result_kind": ResultKind.NONE, "result_signed": False}
    # Căn cứ pháp lý as the national procedure database publishes them (the assistant cites them, FR-22).
    civil_status = ["Luật Hộ tịch số 60/2014/QH13",
                    "Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch"]
    residence = ["Luật Cư trú số 68/2020/QH14",
                 "Nghị định số 154/2024/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành Luật Cư trú"]
    return [
        Procedure(
            code="1.001193", name="Đăng ký khai sinh", field_code="HT", field_name="Hộ tịch",
            legal_deadline=Duration.of_working_days(1), cutoff_15h=True, eform_code=PROCEDURE_EFORMS["1.001193"],
            required_documents=[_doc("TK-KS", "Tờ khai đăng ký khai sinh"),
                                _doc("GCS", "Giấy chứng sinh hoặc văn bản xác nhận việc sinh")],
            # The unit's own birth registration, and the first step of the birth chain (its child dossier).
            legal_basis=civil_status, **common, **drawn_up,
        ),
        # The birth chain (Decree 63/2024/NĐ-CP) is a procedure group of its own on DVCQG ("Dịch vụ công liên
        # thông khai sinh"): the parent dossier follows the liên thông process and flow "birth_flow". The seeds
        # publish no code for the group, so it carries a local code (9 = not from the national database,
        # 063 = Decree 63) until the national one is published; replace it in one place, here.
        Procedure(
            code=BIRTH_CHAIN_CODE, name="Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
            "cho trẻ em dưới 6 tuổi", field_code="HT", field_name="Hộ tịch",
            # the chain's steps: 1 + 7 + 5 working days
            legal_deadline=Duration.of_working_days(13), cutoff_15h=True, eform_code=PROCEDURE_EFORMS["1.001193"],
            required_documents=[_doc("TK-KS", "Tờ khai đăng ký khai sinh"),
                                _doc("GCS", "Giấy chứng sinh hoặc văn bản xác nhận việc sinh")],
            legal_basis=["Nghị định số 63/2024/NĐ-CP về thực hiện liên thông điện tử hai nhóm thủ tục hành chính",
                         *civil_status],
            flow="birth_flow", **common, **chain,
        ),
        Procedure(
            code="1.004222", name="Đăng ký thường trú", field_code="CT", field_name="Đăng ký, quản lý cư trú",
            legal_deadline=Duration.of_working_days(7), eform_code=PROCEDURE_EFORMS["1.004222"],
            required_documents=[_doc("CT01", "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"),
                                _doc("CMCO", "Giấy tờ chứng minh chỗ ở hợp pháp")],
            fees=[FeeItem(code="LP-CT", name="Lệ phí đăng ký cư trú", amount=20000, kind="1")],
            legal_basis=[*residence, "Thông tư số 75/2022/TT-BTC quy định mức thu, chế độ thu, nộp, quản lý và sử "
                                     "dụng lệ phí đăng ký cư trú"],
            **common, **drawn_up,
        ),
        Procedure(
            code="1.000656", name="Đăng ký khai tử", field_code="HT", field_name="Hộ tịch",
            legal_deadline=Duration.of_working_days(1), cutoff_15h=True, eform_code=PROCEDURE_EFORMS["1.000656"],
            required_documents=[_doc("TK-KT", "Tờ khai đăng ký khai tử"),
                                _doc("GBT", "Giấy báo tử hoặc giấy tờ thay thế giấy báo tử")],
            # its own result (trích lục khai tử) as the chain's first step; as the chain's parent it returns the
            # steps' results, issued by their units
            legal_basis=civil_status, flow="death_flow", **common, **drawn_up,
        ),
        Procedure(
            code="1.003197", name="Xóa đăng ký thường trú", field_code="CT", field_name="Đăng ký, quản lý cư trú",
            legal_deadline=Duration.of_working_days(1), eform_code=PROCEDURE_EFORMS["1.003197"],
            required_documents=[_doc("CT01", "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)")], legal_basis=residence,
            **common, **drawn_up,
        ),
        # National code not verified against the national procedure database (demo data).
        Procedure(
            code="1.002076", name="Giải quyết hưởng trợ cấp mai táng", field_code="BHXH",
            field_name="Bảo hiểm xã hội", legal_deadline=Duration.of_working_days(5), eform_code=MAI_TANG.code,
            required_documents=[_doc("GCT", "Bản sao giấy chứng tử hoặc giấy báo tử")],
            legal_basis=["Luật Bảo hiểm xã hội số 41/2024/QH15"], **common, **drawn_up,
        ),
        # A ministry-level procedure with a fee; national code not verified (demo data).
        Procedure(
            code="1.000105", name="Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán "
            "trong y tế", field_code="ATBX", field_name="An toàn bức xạ và hạt nhân", applicant_types=["2", "3", "4"],
            online_level="partial", legal_deadline=Duration.of_working_days(15), eform_code=None,
            required_documents=[_doc("DDN", "Đơn đề nghị cấp giấy phép"),
                                _doc("BCDG", "Báo cáo đánh giá an toàn"),
                                _doc("CCNV", "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn")],
            fees=[FeeItem(code="PTD-BX", name="Phí thẩm định cấp giấy phép tiến hành công việc bức xạ",
                          amount=2_000_000, kind="2", collected="on_receipt")],
            legal_basis=["Luật Năng lượng nguyên tử số 18/2008/QH12",
                         "Nghị định số 142/2020/NĐ-CP quy định về việc tiến hành công việc bức xạ và hoạt động dịch vụ "
                         "hỗ trợ ứng dụng năng lượng nguyên tử"],
            # the licence comes from the specialised software (its own number and signature), or an officer
            # uploads the signed-off licence and the leader's approval signs it
            result_kind=ResultKind.UPLOAD, result_signed=True, sign_on_approval=True, **common,
        ),
    ]


def officers() -> list[OfficerProfile]:
    out = []
    for account in DEMO_ACCOUNTS:
        role = Role(account["role"])
        title, department = _TITLES[role]
        out.append(OfficerProfile(
            sub=account["sub"], name=account["HoVaTen"], title=title, department=department,
            province_code=account["province_code"],
            assignments=[RoleAssignment(role=role, unit_code=account["unit_code"])],
        ))
    return out


def default_process() -> ProcessDefinition:
    process = ProcessDefinition.model_validate(json.loads(DEFAULT_PROCESS_FILE.read_text(encoding="utf-8")))
    errors = validate_process(process)
    if errors:
        raise ValueError(f"default process is invalid: {errors}")
    return process


def seed() -> dict[str, int]:
    for unit in DEMO_UNITS:
        catalogue.put_unit(Unit(code=unit["code"], name=unit["name"], province_code=unit["province_code"]))
    # The post-deploy smoke test's unit (infra/smoke.py; each stage's catalogue has it too): it
    # receives synthetic DVCQG intakes and its dossiers never sync outward (chalicelib/sync/scope.py).
    catalogue.put_unit(Unit(code=get_settings().smoke_test_unit_code, name=SMOKE_TEST_UNIT_NAME, province_code=""))
    for schema in SAMPLE_EFORMS.values():
        catalogue.put_eform(schema)
    process = default_process()
    try:
        catalogue.publish_process(process.model_copy(update={
            "published_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "published_by": "seed"}))
    except AlreadyPublished:
        pass
    lien_thong = chains.lien_thong_process()
    try:
        catalogue.publish_process(lien_thong.model_copy(update={
            "published_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "published_by": "seed"}))
    except AlreadyPublished:
        pass
    # Procedures that start a liên thông flow follow the liên thông parent process.
    procs = [p.model_copy(update={"process_code": lien_thong.code}) if p.flow else p for p in procedures(process.code)]
    for procedure in procs:
        catalogue.put_procedure(procedure)
    staff = officers()
    for officer in staff:
        catalogue.put_officer(officer)
    # A demo make-up working Saturday: administrators enter the real ones from the
    # government's yearly notice (the holidays package doesn't know them).
    catalogue.put_calendar_override(CalendarOverride(
        date=dt.date(2026, 12, 19), kind="working_day",
        decision="Dữ liệu mẫu: ngày làm bù thứ Bảy (nhập theo thông báo hằng năm của Chính phủ)",
    ))
    # Integration clients, each with its kind and only the capabilities it needs (issue 11):
    # re-seeding replaces them, so clients seeded before kinds existed get theirs.
    # The postal service calls back with its own credential (the simulator sends
    # SIM_POST_CLIENT_TOKEN = "buu-chinh.dev-post-token" by default): parcel tracking only.
    put_client(IntegrationClient(client_id="buu-chinh", name="Bưu chính công ích", kind=ClientKind.POSTAL_SERVICE,
                                 capabilities=[Capability.POST_TRACKING], procedure_codes=[p.code for p in procs],
                                 secret_sha256=hash_secret("dev-post-token")))  # fmt: skip
    # The agency simulator answers liên thông steps as client "agency-sim" (SIM_AGENCY_CLIENT_TOKEN);
    # local/stack.py binds the external agencies to it in the integration-clients secret.
    put_client(IntegrationClient(client_id=AGENCY_SIM_CLIENT, name="Hệ thống của cơ quan liên thông (mô phỏng)",
                                 kind=ClientKind.AGENCY, capabilities=[Capability.FLOW_CALLBACK],
                                 procedure_codes=["1.004222", "1.003197", "LT.BHYT-TE6", "LT.TRO-CAP-TUAT"],
                                 secret_sha256=hash_secret("dev-agency-token")))  # fmt: skip
    # The coordination system returns the results of steps handed to other ministries' systems through it
    # (SPEC §7.7) as client "coordinator-sim" (SIM_COORDINATOR_CLIENT_TOKEN); local/stack.py routes the
    # social-insurance agency (another ministry's system) through it.
    put_client(IntegrationClient(client_id=COORDINATOR_SIM_CLIENT, name="Hệ thống điều phối (mô phỏng)",
                                 kind=ClientKind.COORDINATOR,
                                 capabilities=[Capability.COORDINATOR_RESULTS, Capability.COORDINATOR_ROLES,
                                               Capability.COORDINATOR_OPINIONS],
                                 procedure_codes=["LT.BHYT-TE6", "LT.TRO-CAP-TUAT"],
                                 secret_sha256=hash_secret("dev-coordinator-token")))  # fmt: skip
    # A specialised software (SPEC §7.3) handling the radiation-licence procedure reports at
    # /v1/specialised/dossiers/{code}/… as client "pmcn-buc-xa" (token "pmcn-buc-xa.dev-specialised-token"):
    # its officers' processing actions, no leader's action, never a withdrawal.
    put_client(IntegrationClient(client_id="pmcn-buc-xa", name="Phần mềm cấp phép an toàn bức xạ (mô phỏng)",
                                 kind=ClientKind.SPECIALISED_SOFTWARE,
                                 capabilities=[Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS],
                                 actions=list(SPECIALISED_ACTIONS), procedure_codes=["1.000105"],
                                 secret_sha256=hash_secret("dev-specialised-token")))  # fmt: skip
    # A self-service kiosk (SPEC §7.9) in TP HCM's unit: the kiosk simulator's screen calls hoso as
    # "kiosk-demo-h29" (SIM_KIOSK_TOKEN = "kiosk-demo-h29.dev-kiosk-token").
    put_client(IntegrationClient(client_id="kiosk-demo-h29", name="Ki-ốt sảnh tiếp nhận (mô phỏng)",
                                 kind=ClientKind.KIOSK, capabilities=[Capability.KIOSK], unit_code=HCMC_UNIT,
                                 secret_sha256=hash_secret("dev-kiosk-token")))  # fmt: skip
    # Signatures made by the local eSign gateway verify as trusted.
    trust_gateway_root()
    return {"units": len(DEMO_UNITS), "procedures": len(procs), "officers": len(staff), "processes": 1,
            "eforms": len(SAMPLE_EFORMS)}
