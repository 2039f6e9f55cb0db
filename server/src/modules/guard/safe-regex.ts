import { Script, createContext } from 'node:vm';
import { REGEX_MAX_LENGTH } from './schema.js';

// Keyword rules may use regular expressions, which can backtrack for ever on a
// hostile message ("(a+)+$" against "aaaa…b"). Three fences:
//  1. a static check refuses patterns with a quantified group that itself
//     contains a quantifier or an alternation (the classic catastrophic shape),
//     back-references and look-behind, and anything longer than 200 characters;
//  2. messages are capped at 4,096 characters by the message schema;
//  3. evaluation runs in a vm context with a time limit, so a pattern that
//     slips through costs at most `budgetMs` and is then switched off.
// No native dependency (RE2 would need a compiler or a download at install).

export type RegexProblem = { pattern: string; reason: string };

/** Why a pattern is refused, or null when it is acceptable. */
export function checkRegex(pattern: string): string | null {
  if (pattern.length > REGEX_MAX_LENGTH) return `longer than ${REGEX_MAX_LENGTH} characters`;
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `invalid: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (/\(\?<[=!]/.test(pattern)) return 'look-behind is not allowed';
  // Walk the groups: a group followed by a quantifier must not contain one.
  const stack: { quantified: boolean; alternation: boolean }[] = [];
  let escaped = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') {
      escaped = true;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') stack.push({ quantified: false, alternation: false });
    else if (c === ')') {
      const inner = stack.pop();
      const next = pattern[i + 1];
      const quantifiedGroup = next === '*' || next === '+' || next === '{';
      if (inner && quantifiedGroup && (inner.quantified || inner.alternation)) return 'nested quantifier: a repeated group that itself repeats or alternates';
      const parent = stack[stack.length - 1];
      if (parent && inner && (inner.quantified || quantifiedGroup)) parent.quantified = true;
    } else if (c === '|') {
      const top = stack[stack.length - 1];
      if (top) top.alternation = true;
    } else if (c === '*' || c === '+' || c === '{') {
      const top = stack[stack.length - 1];
      if (top) top.quantified = true;
    }
  }
  return null;
}

export type RegexSet = {
  /** Indexes of the patterns that match, or null when the time budget ran out. */
  test(text: string): boolean[] | null;
};

/** Compiles checked patterns into one time-bounded evaluator. */
export function compileRegexSet(patterns: readonly string[], budgetMs = 100): RegexSet {
  const context = createContext({ patterns: patterns.map((p) => new RegExp(p, 'iu')), text: '' });
  const script = new Script('patterns.map((p) => p.test(text))');
  return {
    test(text) {
      (context as { text: string }).text = text;
      try {
        return script.runInContext(context, { timeout: budgetMs }) as boolean[];
      } catch {
        return null;
      }
    },
  };
}
