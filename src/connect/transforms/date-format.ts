/**
 * Java SimpleDateFormat patterns (what TimestampConverter's `format` takes), formatting and
 * parsing in UTC as Connect does. Pattern letters: G y Y u M L d D E a H k K h m s S z Z X;
 * text in single quotes is literal ('' is a quote). Parsing follows SimpleDateFormat's lenient
 * defaults: numbers may have any width unless they abut another number field, out-of-range
 * values roll over, and text after the pattern is ignored.
 */

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

const LETTERS = new Set(['G', 'y', 'Y', 'u', 'M', 'L', 'd', 'D', 'E', 'a', 'H', 'k', 'K', 'h', 'm', 's', 'S', 'z', 'Z', 'X']);
const NUMERIC = new Set(['y', 'Y', 'u', 'd', 'D', 'H', 'k', 'K', 'h', 'm', 's', 'S']);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function isNumeric(token: Token): boolean {
  if (token.kind !== 'field') return false;
  if (token.letter === 'M' || token.letter === 'L') return token.count < 3;
  return NUMERIC.has(token.letter);
}

export class DateFormat {
  readonly pattern: string;
  readonly #tokens: Token[];

  /** Throws an Error naming the problem for a pattern SimpleDateFormat would reject (or a letter not supported here). */
  constructor(pattern: string) {
    this.pattern = pattern;
    this.#tokens = tokenize(pattern);
  }

  format(ms: number): string {
    const d = new Date(ms);
    if (Number.isNaN(d.getTime())) throw new Error(`timestamp ${ms} is out of range`);
    let out = '';
    for (const token of this.#tokens) out += token.kind === 'literal' ? token.text : formatField(d, token.letter, token.count);
    return out;
  }

  /** Epoch milliseconds; throws when the text does not match the pattern. */
  parse(text: string): number {
    const state = { era: 1, year: 1970, twoDigitYear: false, month: 0, day: 1, dayOfYear: -1, hour: 0, hour12: -1, pm: false, minute: 0, second: 0, millis: 0, offsetMinutes: 0 };
    let pos = 0;
    const fail = (why: string): Error => new Error(`${why} at position ${pos}`);
    for (let i = 0; i < this.#tokens.length; i++) {
      const token = this.#tokens[i];
      if (token.kind === 'literal') {
        if (!text.startsWith(token.text, pos)) throw fail(`expected "${token.text}"`);
        pos += token.text.length;
        continue;
      }
      const { letter, count } = token;
      if (isNumeric(token) || ((letter === 'M' || letter === 'L') && count < 3)) {
        const next = this.#tokens[i + 1];
        const fixed = next !== undefined && isNumeric(next);
        const m = (fixed ? new RegExp(`^[0-9]{${count}}`) : /^[+-]?[0-9]+/).exec(text.slice(pos));
        if (!m) throw fail(`expected a number for "${letter.repeat(count)}"`);
        pos += m[0].length;
        const n = Number(m[0]);
        switch (letter) {
          case 'y':
          case 'Y':
            state.year = n;
            state.twoDigitYear = count === 2 && m[0].length === 2;
            break;
          case 'M':
          case 'L':
            state.month = n - 1;
            break;
          case 'd':
            state.day = n;
            break;
          case 'D':
            state.dayOfYear = n;
            break;
          case 'H':
            state.hour = n;
            break;
          case 'k':
            state.hour = n === 24 ? 0 : n;
            break;
          case 'K':
            state.hour12 = n;
            break;
          case 'h':
            state.hour12 = n === 12 ? 0 : n;
            break;
          case 'm':
            state.minute = n;
            break;
          case 's':
            state.second = n;
            break;
          case 'S':
            state.millis = n;
            break;
          default:
            break; // u: day of week, not needed to find the instant
        }
        continue;
      }
      const rest = text.slice(pos);
      switch (letter) {
        case 'M':
        case 'L': {
          const idx = matchName(rest, MONTHS);
          if (!idx) throw fail('expected a month name');
          state.month = idx.index;
          pos += idx.length;
          break;
        }
        case 'E': {
          const idx = matchName(rest, DAYS);
          if (!idx) throw fail('expected a day name');
          pos += idx.length;
          break;
        }
        case 'a': {
          const m = /^(AM|PM)/i.exec(rest);
          if (!m) throw fail('expected AM or PM');
          state.pm = m[1].toUpperCase() === 'PM';
          pos += 2;
          break;
        }
        case 'G': {
          const m = /^(AD|BC)/i.exec(rest);
          if (!m) throw fail('expected AD or BC');
          state.era = m[1].toUpperCase() === 'BC' ? 0 : 1;
          pos += 2;
          break;
        }
        case 'Z':
        case 'X':
        case 'z': {
          const m = /^(?:(Z)(?![A-Za-z])|(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})?|(UTC|GMT|Coordinated Universal Time))/i.exec(rest);
          if (!m) throw fail('expected a time zone');
          state.offsetMinutes = m[2] ? (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4] ?? 0)) : 0;
          pos += m[0].length;
          break;
        }
      }
    }
    let year = state.year;
    if (state.twoDigitYear) {
      // SimpleDateFormat: within 80 years before and 20 years after now.
      const now = new Date().getUTCFullYear();
      const base = now - 80;
      year = base - (base % 100) + year;
      if (year < base) year += 100;
    }
    if (state.era === 0) year = 1 - year;
    const hour = state.hour12 >= 0 ? state.hour12 + (state.pm ? 12 : 0) : state.hour;
    const d = new Date(0);
    if (state.dayOfYear >= 0) d.setUTCFullYear(year, 0, state.dayOfYear);
    else d.setUTCFullYear(year, state.month, state.day);
    d.setUTCHours(hour, state.minute, state.second, state.millis);
    const ms = d.getTime() - state.offsetMinutes * 60_000;
    if (Number.isNaN(ms)) throw new Error('the date is out of range');
    return ms;
  }
}

function matchName(text: string, names: readonly string[]): { index: number; length: number } | null {
  const lower = text.toLowerCase();
  // Full names first, so "May" and "March" do not stop at a prefix.
  for (let i = 0; i < names.length; i++) if (lower.startsWith(names[i].toLowerCase())) return { index: i, length: names[i].length };
  for (let i = 0; i < names.length; i++) if (lower.startsWith(names[i].slice(0, 3).toLowerCase())) return { index: i, length: 3 };
  return null;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      // '' inside quotes is a quote
      let text = '';
      let j = i + 1;
      for (;;) {
        const close = pattern.indexOf("'", j);
        if (close < 0) throw new Error('Unterminated quote');
        text += pattern.slice(j, close);
        if (pattern[close + 1] === "'") {
          text += "'";
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      literal(text);
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw new Error(`Illegal pattern character '${c}'`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      tokens.push({ kind: 'field', letter: c, count });
      i += count;
      continue;
    }
    literal(c);
    i++;
  }
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function formatField(d: Date, letter: string, count: number): string {
  const fullYear = d.getUTCFullYear();
  switch (letter) {
    case 'G':
      return fullYear <= 0 ? 'BC' : 'AD';
    case 'y':
    case 'Y': {
      const year = fullYear <= 0 ? 1 - fullYear : fullYear;
      return count === 2 ? pad(year % 100, 2) : pad(year, count);
    }
    case 'u':
      return pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), count);
    case 'M':
    case 'L':
      if (count >= 4) return MONTHS[d.getUTCMonth()];
      if (count === 3) return MONTHS[d.getUTCMonth()].slice(0, 3);
      return pad(d.getUTCMonth() + 1, count);
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'D': {
      const jan1 = new Date(0);
      jan1.setUTCFullYear(fullYear, 0, 1);
      return pad(Math.floor((d.getTime() - jan1.getTime()) / 86_400_000) + 1, count);
    }
    case 'E':
      return count >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()].slice(0, 3);
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(d.getUTCHours(), count);
    case 'k':
      return pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), count);
    case 'K':
      return pad(d.getUTCHours() % 12, count);
    case 'h':
      return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    case 'S':
      return pad(d.getUTCMilliseconds(), count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    case 'X':
      return 'Z';
    default:
      throw new Error(`Illegal pattern character '${letter}'`);
  }
}
