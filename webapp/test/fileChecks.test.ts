import { describe, expect, it } from "vitest";

import { ACCEPTED_TYPES, MAX_UPLOAD_BYTES, PDF, problemWith, sniffType } from "../src/components/fileChecks";

const bytes = (text: string) => new TextEncoder().encode(text);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("file checks before upload", () => {
  it("finds the type by content, not by name", () => {
    expect(sniffType(bytes("%PDF-1.7"), "scan.png")).toBe(PDF);
    expect(sniffType(PNG, "anh.pdf")).toBe("image/png");
    expect(sniffType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), "x")).toBe("image/jpeg");
    expect(sniffType(bytes("MZ\x90\x00"), "to-khai.pdf")).toBeNull();
    expect(sniffType(bytes("PK\x03\x04"), "bang.xlsx")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(sniffType(bytes("PK\x03\x04"), "nen.zip")).toBeNull();
  });

  it("refuses a renamed program, an empty file and one over the limit, in Vietnamese", () => {
    expect(problemWith({ name: "to-khai.pdf", size: 10 }, bytes("MZ\x90\x00"), ACCEPTED_TYPES, MAX_UPLOAD_BYTES)).toMatch(/không đúng định dạng/);
    expect(problemWith({ name: "a.pdf", size: 0 }, bytes("%PDF-"), ACCEPTED_TYPES, MAX_UPLOAD_BYTES)).toMatch(/rỗng/);
    expect(problemWith({ name: "a.pdf", size: MAX_UPLOAD_BYTES + 1 }, bytes("%PDF-"), ACCEPTED_TYPES, MAX_UPLOAD_BYTES)).toMatch(/vượt quá 10,0 MB/);
    expect(problemWith({ name: "a.pdf", size: MAX_UPLOAD_BYTES }, bytes("%PDF-"), ACCEPTED_TYPES, MAX_UPLOAD_BYTES)).toBeNull();
  });

  it("keeps to the types the caller accepts", () => {
    expect(problemWith({ name: "a.png", size: 8 }, PNG, [PDF], MAX_UPLOAD_BYTES)).toMatch(/\(PDF\)/);
  });
});
