// The coordinator's redirected desk intake (SPEC §7.7, deskLink.ts): after VNeID login (which comes
// back to the same hash) the officer works in the link's unit, hoso checks the link (the return URL
// against the stage's allow-list), the eForm opens for that procedure, and once the dossier is
// received the officer is sent back to the return URL with `mahoso`.
import { useEffect, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { type DeskLinkParams, returnTarget } from "../deskLink";
import type { Schema } from "../query";
import { IntakeForm } from "./Intake";

type DeskLink = Schema<"DeskLinkOut">;
const TITLE = "Tiếp nhận hồ sơ từ Hệ thống điều phối";

export function DeskLinkIntake({ link: given }: { link: DeskLinkParams }) {
  const { me, unit, setUnit, unitName } = useApp();
  const unitCode = given.unit;
  const query = new URLSearchParams({ thutuc: given.procedure, thamchieu: given.reference, quaylai: given.returnUrl }).toString();
  const member = me.profile.assignments.some((a) => a.unit_code === unitCode && a.role === "desk");
  const [link, setLink] = useState<DeskLink | null>(null);
  const [problem, setProblem] = useState<{ message: string; details: string[] } | null>(null);

  useEffect(() => {
    if (!member) return;
    if (unit !== unitCode) {
      setUnit(unitCode, false);
      return;
    }
    let live = true;
    setLink(null);
    setProblem(null);
    api<DeskLink>(`/v1/units/${encodeURIComponent(unitCode)}/desk-link?${query}`)
      .then((answer) => {
        if (live) setLink(answer);
      })
      .catch((caught: unknown) => {
        if (!live) return;
        const details = caught instanceof ApiError ? caught.fieldErrors.map((e) => e.message) : [];
        setProblem({ message: errorMessage(caught), details });
      });
    return () => {
      live = false;
    };
  }, [member, unit, unitCode, query, setUnit]);

  if (!member || problem) {
    return (
      <>
        <PageHeading title={TITLE}>{TITLE}</PageHeading>
        <ErrorMessage>
          {member
            ? problem?.message
            : `Bạn không phải cán bộ một cửa của đơn vị ${unitName(unitCode) || "được chỉ định"}${unitCode ? ` (${unitCode})` : ""} ` +
              "nên không tiếp nhận được hồ sơ theo đường dẫn này. Vui lòng đăng nhập bằng tài khoản của đơn vị đó hoặc liên hệ quản trị hệ thống."}
        </ErrorMessage>
        {problem && problem.details.length > 0 && (
          <ul>
            {problem.details.map((detail) => (
              <li key={detail}>{detail}</li>
            ))}
          </ul>
        )}
      </>
    );
  }
  if (!link) {
    return (
      <>
        <PageHeading title={TITLE}>{TITLE}</PageHeading>
        <Loading what="đường dẫn tiếp nhận" />
      </>
    );
  }
  return (
    <IntakeForm
      procedureCode={link.procedure_code}
      notice={
        `Hồ sơ do Hệ thống điều phối chuyển đến${link.reference ? ` (mã tham chiếu ${link.reference})` : ""}. ` +
        "Sau khi tiếp nhận, bạn được chuyển về Hệ thống điều phối cùng mã hồ sơ."
      }
      onReceived={(code) => window.location.assign(returnTarget(link.return_url, code, link.reference))}
    />
  );
}
