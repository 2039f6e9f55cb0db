import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMatcher, referenceScan } from './matcher.js';
import { normalise } from './normalise.js';
import { checkRegex, compileRegexSet } from './safe-regex.js';
import { DEFAULT_VARIANTS } from './variants.js';

describe('normalise', () => {
  it.each([
    ['full-width letters and digits fold to half width, upper case to lower', 'ＷｅＣｈａｔ１２３', 'wechat123'],
    ['spaces, punctuation and zero-width characters inside a word are skipped', '微 信-号\u200b！', '微信号'],
    ['ideographic space and full-width punctuation are skipped', '加\u3000微，信。', '加微信'],
    ['Traditional characters become Simplified', '聯繫我 發財 賭博 微信號', '联系我发财赌博微信号'],
    ['emoji and letters between characters: the emoji stays, symbols go', '微★信😀', '微信😀'],
    ['an all-symbol text is empty', '!!! ... ***', ''],
  ])('%s', (_name, input, expected) => {
    expect(normalise(input)).toBe(expected);
  });
});

describe('banned-word matcher', () => {
  const words = ['加微信', '微信号', '微信', '代开发票', 'abc', 'he', 'she', 'hers', '联系'];
  const matcher = buildMatcher(words, { variants: DEFAULT_VARIANTS });
  const found = (text: string) => matcher.scan(text).map((i) => matcher.words[i]).sort();

  it.each([
    ['overlapping words are all reported', '加微信号', ['加微信', '微信', '微信号']],
    ['the classic overlap: ushers holds she, he and hers', 'ushers', ['he', 'hers', 'she']],
    ['full-width text matches a half-width word', 'ＡＢＣ', ['abc']],
    ['spaces and symbols inserted between characters are seen through', '加 微 · 信', ['加微信', '微信']],
    ['a variant spelling reports the canonical word (V信 → 微信)', '加V信', ['加微信', '微信']],
    ['vx号 reads as 微信号', 'vx号', ['微信', '微信号']],
    ['Traditional text matches Simplified words', '代開發票 聯繫', ['代开发票', '联系']],
    ['a character outside every word resets the match', '加一微信', ['微信']],
    ['nothing in a clean message', '今天天气不错', []],
    ['a word repeated is reported once', '微信微信微信', ['微信']],
  ])('%s', (_name, text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('test() answers as soon as one word occurs', () => {
    expect(matcher.test('找我加微信')).toBe(true);
    expect(matcher.test('找我')).toBe(false);
  });

  it('words that are only symbols are dropped, duplicates after normalisation kept once', () => {
    const m = buildMatcher(['!!!', '微信', '微 信', 'ＡＢ']);
    expect(m.words).toEqual(['微信', 'ab']);
  });

  it('finds exactly what normalise-then-includes finds, for random words and texts', () => {
    const alphabet = fc.constantFrom('微', '信', '加', '号', 'a', 'b', ' ', '・', 'Ａ', '號');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: alphabet, minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), fc.string({ unit: alphabet, maxLength: 40 }), (list, text) => {
        const m = buildMatcher(list);
        const expected = referenceScan(m.words, normalise(text)).sort((x, y) => x - y);
        expect(m.scan(text).sort((x, y) => x - y)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('regex safety', () => {
  it.each([
    ['(a+)+$', /nested quantifier/],
    ['(a|aa)*', /nested quantifier/],
    ['((ab)*c)+', /nested quantifier/],
    ['(x)\\1', /back-references/],
    ['(?<=a)b', /look-behind/],
    ['(unclosed', /^invalid/],
    ['a'.repeat(201), /longer than 200/],
  ])('refuses %s', (pattern, reason) => {
    expect(checkRegex(pattern)).toMatch(reason);
  });

  it.each(['订单\\s*\\d{6}', '^(退款|退货)', '[a-z]+@example\\.com', '(ab)+', '\\d{11}'])('accepts %s', (pattern) => {
    expect(checkRegex(pattern)).toBeNull();
  });

  it('a pattern that runs out of its time budget answers null instead of hanging', () => {
    // Built directly (the static check would refuse it) to prove the time bound holds.
    const set = compileRegexSet(['^(a+)+$'], 20);
    expect(set.test('a'.repeat(40) + 'b')).toBeNull();
    expect(compileRegexSet(['订单\\d+']).test('订单123')).toEqual([true]);
  });
});
