// "Người xử lý": who holds a dossier now — the assigned appraiser while the appraiser's step has
// it, the applicant while it waits for a supplement or a fee, otherwise the queue of the role
// (and department) whose step it is. The assignee stays on the dossier after the appraisal (for
// reports and a return), so it is not who holds it at the head's or the leader's step.

export interface HeldDossier {
  status: number;
  step_role: string;
  assignee_name: string | null;
}

const FINISHED = [3, 7, 8, 10];
const WITH_APPLICANT: Record<number, string> = {
  5: "Người nộp hồ sơ (đang bổ sung giấy tờ)",
  6: "Người nộp hồ sơ (đang thực hiện nghĩa vụ tài chính)",
};

export function holderLabel(dossier: HeldDossier, roleLabel: (role: string) => string, department = ""): string {
  if (FINISHED.includes(dossier.status)) return "Không còn (hồ sơ đã kết thúc)";
  if (WITH_APPLICANT[dossier.status]) return WITH_APPLICANT[dossier.status];
  if (dossier.step_role === "appraiser" && dossier.assignee_name) return dossier.assignee_name;
  const queue = `${roleLabel(dossier.step_role)}${department ? `, ${department}` : ""}`;
  return `${queue} (chưa giao cho cá nhân)`;
}
