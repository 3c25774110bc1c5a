/**
 * Text as every database we run on keeps it: PostgreSQL's text and varchar refuse
 * U+0000 ("invalid byte sequence for encoding UTF8: 0x00") where SQLite keeps it,
 * so a NUL becomes U+FFFD, the replacement character. For free text that comes from
 * outside, such as the body of a proxy's answer quoted in an error line.
 */
export function storableText(text: string): string;
export function storableText(text: string | undefined | null): string | null;
export function storableText(text: string | undefined | null): string | null {
  return text === undefined || text === null ? null : text.split('\u0000').join('\uFFFD');
}
