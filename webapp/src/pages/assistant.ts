/** A piece of the assistant's prose: plain text, or a citation of fact number `n` (1-based). */
export type ProsePart = { kind: "text"; text: string } | { kind: "cite"; n: number; text: string };

/**
 * The answer's prose split into text and citations: "[n]" cites fact n when there is a fact n (of
 * `count`); anything else — "[0]", "[9]" of three facts — stays text, never a link to nowhere.
 */
export function proseParts(text: string, count: number): ProsePart[] {
  return text
    .split(/(\[\d+\])/)
    .filter((part) => part !== "")
    .map((part): ProsePart => {
      const cited = /^\[(\d+)\]$/.exec(part);
      const n = cited ? Number(cited[1]) : 0;
      return n >= 1 && n <= count ? { kind: "cite", n, text: part } : { kind: "text", text: part };
    });
}
