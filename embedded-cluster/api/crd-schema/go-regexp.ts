/**
 * Go (RE2) regular expressions, as CRD `pattern`s are written, compiled to
 * JavaScript. RE2 and JavaScript agree on the syntax CRDs use; this covers
 * the differences that show up in practice: leading flag groups (`(?i)`),
 * `\A` / `\z`, `\Q…\E` literals and POSIX classes (`[[:alpha:]]`). Unanchored,
 * like Go's `MatchString`.
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp | Error>();

/** The compiled pattern, or throws an `Error` saying why it is not valid. */
export function compileGoRegexp(pattern: string): RegExp {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      hit = translate(pattern);
    } catch (error) {
      hit = error instanceof Error ? error : new Error(String(error));
    }
    cache.set(pattern, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

function translate(pattern: string): RegExp {
  let flags = '';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes('U')) throw new Error(`invalid or unsupported Perl syntax: \`(?U\``);
    flags = [...new Set(lead[1]!.split(''))].join('');
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX[name];
      if (!cls) return m;
      return neg ? `^${cls}` : cls;
    })
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '(?![\\s\\S])');
  try {
    return new RegExp(src, flags + 'u');
  } catch (unicodeError) {
    try {
      return new RegExp(src, flags);
    } catch {
      throw unicodeError;
    }
  }
}
