import { goCompare } from './go-format.js';
import {
  labelKeyError,
  newRequirement,
  SelectorError,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';

/**
 * The string form of a label selector, parsed exactly as `labels.Parse` does
 * (k8s.io/apimachinery/pkg/labels/selector.go): the same lexer (keywords, the
 * longest operator, whitespace), the same recursive descent, and the same
 * error messages, so a bad `?labelSelector=` gets the API server's words.
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 */

const enum Token {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const LITERAL_TOKENS: ReadonlyMap<string, Token> = new Map([
  [')', Token.ClosedPar],
  [',', Token.Comma],
  ['!', Token.DoesNotExist],
  ['==', Token.DoubleEquals],
  ['=', Token.Equals],
  ['>', Token.GreaterThan],
  ['in', Token.In],
  ['<', Token.LessThan],
  ['!=', Token.NotEquals],
  ['notin', Token.NotIn],
  ['(', Token.OpenPar],
]);

interface Item {
  tok: Token;
  lit: string;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) =>
  ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';

/** The lexer; `'\0'` stands for the end of input, as the zero byte does in Go. */
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++]!;
    return '\0';
  }

  private unread(): void {
    this.pos--;
  }

  lex(): Item {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === '\0') return { tok: Token.EndOfString, lit: '' };
    this.unread();
    return isSpecial(ch) ? this.scanSpecial() : this.scanIdOrKeyword();
  }

  private scanIdOrKeyword(): Item {
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecial(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
    }
    return { tok: LITERAL_TOKENS.get(buffer) ?? Token.Identifier, lit: buffer };
  }

  /** The longest run of special characters that is an operator (`!=` over `!`). */
  private scanSpecial(): Item {
    let last: Item | undefined;
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (!isSpecial(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const tok = LITERAL_TOKENS.get(buffer);
      if (tok !== undefined) {
        last = { tok, lit: buffer };
      } else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { tok: Token.Error, lit: `error expected: keyword found '${buffer}'` };
  }
}

/** Where `in` and `notin` are values rather than operators. */
const enum Context {
  KeyAndOperator,
  Values,
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  private readonly items: Item[] = [];
  private position = 0;

  constructor(text: string) {
    const lexer = new Lexer(text);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.tok === Token.EndOfString) break;
    }
  }

  private lookahead(context: Context): Item {
    return this.asContext(this.items[this.position]!, context);
  }

  private consume(context: Context): Item {
    return this.asContext(this.items[this.position++]!, context);
  }

  private asContext(item: Item, context: Context): Item {
    if (context === Context.Values && (item.tok === Token.In || item.tok === Token.NotIn)) {
      return { tok: Token.Identifier, lit: item.lit };
    }
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Context.Values);
      switch (tok) {
        case Token.Identifier:
        case Token.DoesNotExist: {
          try {
            requirements.push(this.parseRequirement());
          } catch (e) {
            throw new SelectorError(`unable to parse requirement: ${(e as Error).message}`);
          }
          const next = this.consume(Context.Values);
          if (next.tok === Token.EndOfString) return requirements;
          if (next.tok !== Token.Comma) {
            throw new SelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
          }
          const after = this.lookahead(Context.Values);
          if (after.tok !== Token.Identifier && after.tok !== Token.DoesNotExist) {
            throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
          }
          break;
        }
        case Token.EndOfString:
          return requirements;
        default:
          throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort(goCompare));
  }

  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | undefined } {
    let operator: LabelOperator | undefined;
    let { tok, lit } = this.consume(Context.Values);
    if (tok === Token.DoesNotExist) {
      operator = '!';
      ({ tok, lit } = this.consume(Context.Values));
    }
    if (tok !== Token.Identifier) throw new SelectorError(`found '${lit}', expected: identifier`);
    const keyError = labelKeyError(lit, null);
    if (keyError) throw new SelectorError(keyError);
    const next = this.lookahead(Context.Values).tok;
    if ((next === Token.EndOfString || next === Token.Comma) && operator !== '!') operator = 'exists';
    return { key: lit, operator };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(Context.KeyAndOperator);
    switch (tok) {
      case Token.In:
        return 'in';
      case Token.Equals:
        return '=';
      case Token.DoubleEquals:
        return '==';
      case Token.GreaterThan:
        return 'gt';
      case Token.LessThan:
        return 'lt';
      case Token.NotIn:
        return 'notin';
      case Token.NotEquals:
        return '!=';
      default:
        throw new SelectorError(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  /** `(a,b,c)`; empty members are the empty string, `()` is `{""}`. */
  private parseValues(): Set<string> {
    const open = this.consume(Context.Values);
    if (open.tok !== Token.OpenPar) throw new SelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(Context.Values);
    switch (tok) {
      case Token.Identifier:
      case Token.Comma: {
        const values = this.parseIdentifiersList();
        // Kubernetes quotes the token that followed '(' here, not the one it found.
        if (this.consume(Context.Values).tok !== Token.ClosedPar) {
          throw new SelectorError(`found '${lit}', expected: ')'`);
        }
        return values;
      }
      case Token.ClosedPar:
        this.consume(Context.Values);
        return new Set(['']);
      default:
        throw new SelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Context.Values);
      switch (tok) {
        case Token.Identifier: {
          values.add(lit);
          const next = this.lookahead(Context.Values);
          if (next.tok === Token.Comma) continue;
          if (next.tok === Token.ClosedPar) return values;
          throw new SelectorError(`found '${next.lit}', expected: ',' or ')'`);
        }
        case Token.Comma: {
          if (values.size === 0) values.add('');
          const next = this.lookahead(Context.Values).tok;
          if (next === Token.ClosedPar) {
            values.add('');
            return values;
          }
          if (next === Token.Comma) values.add('');
          break;
        }
        default:
          throw new SelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(Context.Values).tok;
    if (next === Token.EndOfString || next === Token.Comma) return new Set(['']);
    const { tok, lit } = this.consume(Context.Values);
    if (tok === Token.Identifier) return new Set([lit]);
    throw new SelectorError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parse the string form of a label selector into requirements sorted by key.
 * Throws a {@link SelectorError} with Kubernetes' message when it is malformed.
 */
export function parseLabelRequirements(text: string): LabelRequirement[] {
  const requirements = new Parser(text).parse();
  return requirements.sort((a, b) => goCompare(a.key, b.key));
}
