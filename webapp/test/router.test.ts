import { describe, expect, it } from "vitest";

import { href, parseHash } from "../src/router";

describe("hash routes", () => {
  it("reads the segments and the query of #/ho-so/<code>", () => {
    const route = parseHash("#/ho-so/000.00.13.H29-250915-0001?tab=lich-su");
    expect(route.path).toEqual(["ho-so", "000.00.13.H29-250915-0001"]);
    expect(route.params.get("tab")).toBe("lich-su");
  });

  it("writes what it reads", () => {
    const link = href(["tim-kiem"], { q: "Nguyễn Văn An?", trang: 2, bo_qua: "" });
    expect(link).toBe("#/tim-kiem?q=Nguy%E1%BB%85n+V%C4%83n+An%3F&trang=2");
    const route = parseHash(link);
    expect(route.path).toEqual(["tim-kiem"]);
    expect(route.params.get("q")).toBe("Nguyễn Văn An?");
    expect(parseHash(href(["ho-so", "a/b c"])).path).toEqual(["ho-so", "a/b c"]);
  });

  it("keeps a hand-typed segment that is not valid percent-encoding instead of failing", () => {
    expect(parseHash("#/ho-so/%E0").path).toEqual(["ho-so", "%E0"]);
  });
});
