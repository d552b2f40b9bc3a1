// The coordinator's deep link to desk intake (SPEC §7.7): which hashes are one, their parameters,
// and the address the officer is sent back to.

import { describe, expect, it } from "vitest";

import { deskLinkOf, returnTarget } from "../src/deskLink";
import { parseHash } from "../src/router";

const BACK = "http://127.0.0.1:8102/_sim/desk-intake/return";

describe("deskLinkOf", () => {
  it("reads the coordinator's parameters from the hash", () => {
    const hash = `#/tiep-nhan?thutuc=1.004222&donvi=000.00.13.H29&thamchieu=DP%2042&quaylai=${encodeURIComponent(`${BACK}?phien=7`)}`;
    expect(deskLinkOf(parseHash(hash))).toEqual({
      procedure: "1.004222",
      unit: "000.00.13.H29",
      reference: "DP 42",
      returnUrl: `${BACK}?phien=7`,
    });
  });

  it("leaves the ordinary intake routes alone", () => {
    expect(deskLinkOf(parseHash("#/tiep-nhan"))).toBeNull();
    expect(deskLinkOf(parseHash("#/tiep-nhan/1.004222"))).toBeNull();
    expect(deskLinkOf(parseHash("#/tiep-nhan/1.004222?thutuc=1.004222"))).toBeNull();
    expect(deskLinkOf(parseHash("#/tim-kiem?thutuc=1.004222"))).toBeNull();
  });

  it("keeps missing parameters empty for hoso to refuse", () => {
    expect(deskLinkOf(parseHash("#/tiep-nhan?thutuc=1.004222"))).toEqual({ procedure: "1.004222", unit: "", reference: "", returnUrl: "" });
  });
});

describe("returnTarget", () => {
  it("adds the dossier code and the reference to the return URL's query", () => {
    expect(returnTarget(`${BACK}?phien=7#top`, "000.00.13.H29-261207-0001", "DP 42")).toBe(
      `${BACK}?phien=7&mahoso=000.00.13.H29-261207-0001&thamchieu=DP+42#top`,
    );
    expect(returnTarget(BACK, "X-1", "")).toBe(`${BACK}?mahoso=X-1`);
  });

  it("cannot change the origin, whatever the code holds", () => {
    expect(new URL(returnTarget(BACK, "a&b=c/@evil.example.com", "//evil.example.com")).origin).toBe("http://127.0.0.1:8102");
  });
});
