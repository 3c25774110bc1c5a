/**
 * TypeScript source read for its code: `code` is the source with its comments blanked
 * out (each comment character becomes a space, line breaks are kept), so that text in
 * a comment is never read as code; `skeleton` is `code` with the contents of strings,
 * template literals and regular expressions blanked out as well, so that a match in
 * `code` can be checked to start in code rather than in a string. A slash is read as
 * the start of a regular expression where an expression may start, so that a quote or
 * two slashes inside a regular expression neither open a string nor a comment.
 */
export function readSource(source: string): { code: string; skeleton: string } {
  const out: string[] = [];
  const skeleton: string[] = [];
  let i = 0;
  let lastSignificant = '';
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = blank(source, i, end === -1 ? source.length : end, out, skeleton);
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = blank(source, i, end === -1 ? source.length : end + 2, out, skeleton);
    } else if (c === '"' || c === "'" || c === '`') {
      i = copyLiteral(source, i, endOfQuoted(source, i), out, skeleton);
      lastSignificant = c;
    } else if (c === '/' && startsExpression(lastSignificant)) {
      i = copyLiteral(source, i, endOfRegExp(source, i), out, skeleton);
      lastSignificant = '/';
    } else {
      out.push(c);
      skeleton.push(c);
      if (!/\s/.test(c)) lastSignificant = /[\w$]/.test(c) ? wordEndingAt(source, i) : c;
      i++;
    }
  }
  return { code: out.join(''), skeleton: skeleton.join('') };
}

/** Keywords after which a slash starts a regular expression, not a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

function startsExpression(lastSignificant: string): boolean {
  if (lastSignificant === '') return true;
  if (/^[\w$]+$/.test(lastSignificant)) return KEYWORDS_BEFORE_EXPRESSION.has(lastSignificant);
  return !/[)\]}'"`/]/.test(lastSignificant);
}

function wordEndingAt(source: string, end: number): string {
  let start = end;
  while (start > 0 && /[\w$]/.test(source[start - 1])) start--;
  return source.slice(start, end + 1);
}

const blankOf = (c: string) => (c === '\n' ? '\n' : ' ');

function blank(source: string, from: number, to: number, out: string[], skeleton: string[]): number {
  for (let j = from; j < to; j++) {
    out.push(blankOf(source[j]));
    skeleton.push(blankOf(source[j]));
  }
  return to;
}

/** Keeps a literal in the code; in the skeleton only its delimiters stay. */
function copyLiteral(source: string, from: number, to: number, out: string[], skeleton: string[]): number {
  out.push(source.slice(from, to));
  for (let j = from; j < to; j++) skeleton.push(j === from || j === to - 1 ? source[j] : blankOf(source[j]));
  return to;
}

/** The index after the closing quote; template literals may nest `${...}` with strings in them. */
function endOfQuoted(source: string, start: number): number {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === '\\') i++;
    else if (quote === '`' && source[i] === '$' && source[i + 1] === '{') i = endOfTemplateExpression(source, i + 2) - 1;
    else if (quote !== '`' && source[i] === '\n') return i;
    i++;
  }
  return Math.min(i + 1, source.length);
}

function endOfTemplateExpression(source: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < source.length && depth > 0) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') {
      i = endOfQuoted(source, i);
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    i++;
  }
  return i;
}

function endOfRegExp(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length && source[i] !== '\n') {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i++;
  }
  i++;
  while (i < source.length && /[a-z]/.test(source[i])) i++;
  return i;
}
