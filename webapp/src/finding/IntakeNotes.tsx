// Desk intake's notes (issue 12 item 12): the typed name against the personal number's record.

import "./finding.css";

/** The name typed is not the population database's name for the personal number typed. */
export function NameMismatch({ typed }: { typed: string }) {
  return (
    <div className="alert alert-warning name-warning" role="alert">
      <p>
        <span className="alert-icon" aria-hidden="true">
          ⚠
        </span>
        <strong>
          Họ tên chủ hồ sơ đã nhập “{typed.trim()}” không khớp với họ tên của số định danh này trong Cơ sở dữ liệu quốc gia về dân
          cư.
        </strong>
      </p>
      <p>Kiểm tra lại họ tên (cả dấu) và số định danh cá nhân với giấy tờ của công dân trước khi tiếp nhận.</p>
    </div>
  );
}
