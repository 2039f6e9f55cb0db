import { describe, expect, it } from 'vitest';
import { UNNAMED_MENTION, withMentions } from '../src/platforms/telegram/encode.js';

// Mentions as a Telegram user sees them: the "@name" in the text is the
// mention; offsets and lengths are UTF-16 code units, as the Bot API counts.

const spans = (r: ReturnType<typeof withMentions>) => r.entities.map((e) => [r.text.slice(e.offset, e.offset + e.length), e.user.id]);

describe('Telegram mentions', () => {
  it('a name already in the text becomes the mention and the text is left as written', () => {
    const r = withMentions('欢迎 @小新 加入！', [{ id: '5001', name: '小新' }]);
    expect(r.text).toBe('欢迎 @小新 加入！');
    expect(r.entities).toEqual([{ type: 'text_mention', offset: 3, length: 3, user: { id: 5001, is_bot: false, first_name: '小新' } }]);
  });

  it('an emoji before the name counts two units, as Telegram counts it', () => {
    const r = withMentions('🎉🎉 欢迎 @小新', [{ id: '5001', name: '小新' }]);
    expect(r.entities[0]).toMatchObject({ offset: 8, length: 3 });
    expect(spans(r)).toEqual([['@小新', 5001]]);
  });

  it('a name with an emoji in it is measured in UTF-16 units too', () => {
    const r = withMentions('欢迎 @🌸Lily 和 @小新', [{ id: '1', name: '🌸Lily' }, { id: '2', name: '小新' }]);
    expect(r.entities.map((e) => [e.offset, e.length])).toEqual([[3, 7], [13, 3]]);
    expect(spans(r)).toEqual([['@🌸Lily', 1], ['@小新', 2]]);
  });

  it('a longer name is not taken for a shorter one it starts with', () => {
    const r = withMentions('@Al 和 @Alice 好', [{ id: '1', name: 'Al' }, { id: '2', name: 'Alice' }]);
    expect(spans(r)).toEqual([['@Al', 1], ['@Alice', 2]]);
  });

  it('people the text does not name are appended at the end by name, never an id in front', () => {
    const r = withMentions('请看置顶', [{ id: '5001', name: 'Dave' }, { id: '5002' }]);
    expect(r.text).toBe(`请看置顶 @Dave ${UNNAMED_MENTION}`);
    expect(r.text).not.toContain('5001');
    expect(r.text).not.toContain('5002');
    expect(spans(r)).toEqual([['@Dave', 5001], [UNNAMED_MENTION, 5002]]);
    expect(r.entities[1]!.user.first_name).toBe(UNNAMED_MENTION);
  });

  it('a text written with "@<id>" for want of a name keeps it when no name is known and mentions over it', () => {
    const r = withMentions('欢迎 @5001 加入', [{ id: '5001' }]);
    expect(r.text).toBe('欢迎 @5001 加入');
    expect(spans(r)).toEqual([['@5001', 5001]]);
  });

  it('a text written with "@<id>" reads "@<name>" once the name is known, and later spans move with it', () => {
    const r = withMentions('🎉 欢迎 @5001 和 @小新', [{ id: '5001', name: 'Dave' }, { id: '5002', name: '小新' }]);
    expect(r.text).toBe('🎉 欢迎 @Dave 和 @小新');
    expect(r.entities.map((e) => [e.offset, e.length])).toEqual([[6, 5], [14, 3]]);
    expect(spans(r)).toEqual([['@Dave', 5001], ['@小新', 5002]]);
  });

  it('"@<id>" keeps the id rather than push the text past 4096 units with the name', () => {
    const r = withMentions(`${'x'.repeat(4090)}@5001`, [{ id: '5001', name: 'Dave Smith' }]);
    expect(r.text).toBe(`${'x'.repeat(4090)}@5001`);
    expect(r.entities).toEqual([{ type: 'text_mention', offset: 4090, length: 5, user: { id: 5001, is_bot: false, first_name: 'Dave Smith' } }]);
  });

  it('the same person twice is mentioned once, and ids that are not Telegram user ids are left out', () => {
    const r = withMentions('@小新 你好', [{ id: '5001', name: '小新' }, { id: '5001', name: '小新' }, { id: 'wx-abc', name: 'abc' }]);
    expect(r.text).toBe('@小新 你好');
    expect(spans(r)).toEqual([['@小新', 5001]]);
  });

  it('two people with the same name each take their own "@name" in order', () => {
    const r = withMentions('@小新 和 @小新', [{ id: '1', name: '小新' }, { id: '2', name: '小新' }]);
    expect(r.entities.map((e) => [e.offset, e.user.id])).toEqual([[0, 1], [6, 2]]);
  });

  it('appended mentions stop where the text would pass Telegram\'s 4096 units', () => {
    const r = withMentions('x'.repeat(4090), [{ id: '1', name: 'Bo' }, { id: '2', name: 'Carol' }]);
    expect(r.text).toBe(`${'x'.repeat(4090)} @Bo`);
    expect(r.text.length).toBeLessThanOrEqual(4096);
    expect(spans(r)).toEqual([['@Bo', 1]]);
  });
});
