// The shapes the hoso API answers with (chalicelib/api/*, chalicelib/domain/*). Only what the
// web app reads is typed; the API stays the source of truth (GET /openapi.json).

export type Role = "desk" | "head" | "appraiser" | "leader" | "clerk" | "admin" | "province_admin" | "operator";

export interface RoleAssignment {
  role: Role;
  unit_code: string;
}

export interface OfficerProfile {
  sub: string;
  name: string;
  title: string;
  department: string;
  province_code: string;
  active: boolean;
  assignments: RoleAssignment[];
  // Added by personal number, waiting for the officer's first VNeID login (no access until then).
  pending?: boolean;
  personal_number_key?: string;
}

export interface Me {
  profile: OfficerProfile;
  role_labels: Record<string, string>;
}

export interface Unit {
  code: string;
  name: string;
  province_code: string;
}

export interface Duration {
  value: number;
  unit: "working_days" | "working_hours" | "minutes" | "calendar_days";
}

export interface RequiredDocument {
  code: string;
  name: string;
  required: boolean;
  copies: string;
}

export interface FeeItem {
  code: string;
  name: string;
  amount: number;
  kind: string;
  collected: string;
}

export interface Procedure {
  code: string;
  name: string;
  field_code: string;
  field_name: string;
  applicant_types: string[];
  legal_deadline: Duration | null;
  required_documents: RequiredDocument[];
  fees: FeeItem[];
  eform_code: string | null;
  unit_codes: string[];
}

export type FieldType =
  | "text"
  | "textarea"
  | "number"
  | "money"
  | "date"
  | "datetime"
  | "email"
  | "phone"
  | "personal_number"
  | "tax_code"
  | "select"
  | "radio"
  | "checkbox"
  | "checkboxes"
  | "table";

export interface Option {
  value: string;
  label: string;
}

export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  max_length: number | null;
  pattern: string | null;
  pattern_message: string | null;
  options: Option[];
  guidance: string;
  placeholder: string;
  minimum: number | null;
  maximum: number | null;
  date_limit: "any" | "past" | "future";
  autofill_source: string | null;
  columns: FormField[];
  min_rows: number;
  max_rows: number;
}

export interface FormSection {
  key: string;
  title: string;
  guidance: string;
  fields: FormField[];
}

export interface RequiredIfRule {
  kind: "required_if";
  field: string;
  equals: string | boolean;
  then_required: string[];
}

export interface DateOrderRule {
  kind: "date_order";
  earlier: string;
  later: string;
  allow_equal: boolean;
}

export interface SumEqualsRule {
  kind: "sum_equals";
  total: string;
  column: string;
}

export type Rule = RequiredIfRule | DateOrderRule | SumEqualsRule;

export interface EFormSchema {
  code: string;
  version: number;
  title: string;
  legal_basis: string;
  sections: FormSection[];
  rules: Rule[];
}

export interface ProcedureDetail {
  procedure: Procedure;
  eform: EFormSchema | null;
}

export interface Applicant {
  name: string;
  kind: string;
  id_number: string;
  email: string | null;
  phone: string | null;
  address: string | null;
}

export interface Fee {
  code: string;
  name: string;
  amount: number;
  paid: boolean;
}

export interface DocumentRef {
  id: string;
  name: string;
  component_code: string;
  content_type: string;
  size: number;
  kind: string;
  /** "original" (bản chính) | "copy" (bản sao) | "" */
  copy_kind?: string;
  /** A certified digitised copy: the scan it was made from. */
  digitised_from?: string;
  deleted: boolean;
  sha256?: string;
  /** A result's number (số, ký hiệu), the date it was numbered, who signed it in hoso, and the other system that issued it. */
  number?: string;
  issued_at?: string | null;
  signers?: string[];
  issuer?: string;
  /** "dvcqg": the citizen sent it on the national portal (with a supplement: ``supplement_id``). */
  source?: string;
  supplement_id?: string;
}

export interface SupplementRound {
  id: string;
  requested_by: string;
  content: string;
  requested_at: string;
  received_at: string | null;
  received_by: string | null;
  due_before: string | null;
  due_after: string | null;
  /** The citizen's supplement as it arrived from DVCQG, before the desk receives it. */
  submitted_at?: string | null;
  submitted_via?: string;
  submitted_note?: string;
  submitted_documents?: string[];
}

/** The citizen's withdrawal request from DVCQG: the desk confirms it or refuses it with a reason. */
export interface WithdrawalRequest {
  id: string;
  reason: string;
  requested_at: string;
  received_at: string;
  state: "pending" | "confirmed" | "refused" | string;
  decided_by: string | null;
  decided_at: string | null;
  refusal_reason: string;
}

/** A request for another unit's opinion (xin ý kiến): the consulted unit reads only ``documents``. */
export interface Consultation {
  id: string;
  unit_code: string;
  unit_name?: string;
  content: string;
  requested_by_name?: string;
  requested_at: string;
  due_at: string | null;
  documents?: string[];
  opinion: string | null;
  answered_by_name?: string;
  answered_at: string | null;
  opinion_documents?: string[];
  signed_document?: string;
  /** The appraiser continued without this opinion once its deadline passed. */
  closed_at?: string | null;
  /** "coordinator": an agency outside hoso, asked through the coordination system. */
  via?: "hoso" | "coordinator";
  /** When the request reached the coordination system (outside agencies). */
  handed_over_at?: string | null;
}

/** A consultation as the consulted unit sees it (GET /v1/dossiers/{code}/consultations/{id}). */
export interface ConsultedView {
  code: string;
  asking_unit: string;
  asking_unit_name: string;
  consultation: Consultation;
  documents: { id: string; name: string; content_type: string; size: number; kind: string }[];
}

export interface ConsultationPage {
  items: { code: string; asking_unit: string; consultation: Consultation }[];
  cursor: string | null;
}

export interface Dossier {
  code: string;
  dvcqg_ref: string | null;
  procedure_code: string;
  procedure_name: string;
  field_name: string;
  unit_code: string;
  channel: string;
  result_delivery: string;
  applicant: Applicant;
  summary: string;
  form_data: Record<string, unknown>;
  status: number;
  step_id: string;
  step_role: string;
  assignee: string | null;
  assignee_name: string | null;
  submitted_at: string;
  received_at: string | null;
  due_at: string | null;
  step_due_at: string | null;
  paused_at: string | null;
  finished_at: string | null;
  delivered_at: string | null;
  fees: Fee[];
  documents: DocumentRef[];
  supplements: SupplementRound[];
  consultations: Consultation[];
  withdrawal_requests?: WithdrawalRequest[];
  lien_thong_origin?: { head_code: string; head_agency: string; step_name: string; returned_at: string | null } | null;
  version: number;
}

export interface Actor {
  sub: string;
  name: string;
  role: string;
  unit_code: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: Actor;
  action: string;
  label: string;
  from_status: number | null;
  to_status: number;
  note: string;
  due_at: string | null;
}

export interface ActionOption {
  id: string;
  label: string;
  kind: string;
  requires_reason: boolean;
}

export interface DossierView {
  dossier: Dossier;
  display: { position: string; department: string; handler: string; deadline: string };
  available_actions: ActionOption[];
  events: AuditEvent[];
}

export interface DossierPage {
  items: Dossier[];
  cursor: string | null;
}

export interface UnitCounters {
  unit_code: string;
  by_status_and_role: Record<string, number>;
  by_status: Record<string, number>;
  overdue_in_process: number;
}

export interface OfficerSummary {
  sub: string;
  name: string;
  title: string;
  department: string;
  roles: string[];
  /** Dossiers the appraiser holds now (listed by role=appraiser only). */
  load: number | null;
}

export interface ProcessAction {
  id: string;
  kind: string;
  label: string;
  to_step: string;
  role: string | null;
}

export interface ProcessStep {
  id: string;
  name: string;
  role: string;
  status: number;
  deadline: Duration | null;
  actions: ProcessAction[];
}

export interface ProcessDefinition {
  code: string;
  version: number;
  name: string;
  steps: ProcessStep[];
  start_step: string;
  direct_start_step: string | null;
}

/** GET /v1/dossiers/{code}/process */
export interface DossierProcess {
  code: string;
  process: ProcessDefinition;
  current_step: string;
  passed_steps: string[];
  step_due_at: string | null;
  due_at: string | null;
}

export type SyncState = "synced" | "pending" | "not_started";

export interface DestinationState {
  destination: "dvcqg" | "coordinator" | "province";
  name: string;
  state: SyncState;
  acked_seq: number;
  pending: number;
  last_acked_at: string | null;
  last_label: string | null;
  first_attempt_at: string | null;
}

/** GET /v1/dossiers/{code}/sync */
export interface DossierSyncState {
  code: string;
  seq: number;
  destinations: DestinationState[];
}

/** One dossier's outcome in POST /v1/documents/sign-batch. */
export interface BatchSignOutcome {
  code: string;
  doc_id: string;
  ok: boolean;
  error_code: string;
  message: string;
}

export interface BatchSignAnswer {
  results: BatchSignOutcome[];
  signed: number;
  failed: number;
}
