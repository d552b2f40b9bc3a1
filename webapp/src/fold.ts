/**
 * Text as an officer may type it: lower case, without diacritics, "đ" read as "d" (Unicode does not
 * decompose đ, so NFD alone leaves it), spaces collapsed. "Đăng ký khai sinh", "dang ky khai sinh"
 * and "ĐĂNG KÝ  KHAI SINH" all fold to "dang ky khai sinh".
 */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

/** Whether every word typed occurs in ``text``, diacritics and case aside. */
export function matchesWords(text: string, typed: string): boolean {
  const haystack = fold(text);
  return fold(typed)
    .split(" ")
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
