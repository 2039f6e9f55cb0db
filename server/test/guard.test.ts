import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

// The guard's "done when" scenarios, through the simulator API only: what the
// group saw (the transcript), what the person got privately, what staff were
// asked to do.

type Item = { kind: string; text?: string; mentions?: string[]; personId?: string; until?: number; at: number };

for (const dialect of await testDialects()) {
  describe(`group guard on ${dialect}`, () => {
    let t: TestApp;
    const transcript = async (chatId: string): Promise<Item[]> => (await t.api('GET', `/api/v1/sim/transcript?chatId=${chatId}`)).body.items;
    const dms = async (personId: string): Promise<Item[]> => (await t.api('GET', `/api/v1/sim/dm?personId=${personId}`)).body.items;
    const say = (chatId: string, personId: string, text: string) => t.api('POST', '/api/v1/sim/events', { events: [{ type: 'message', chatId, personId, text }] });

    beforeAll(async () => {
      t = await startTestApp(dialect);
      const list = await t.api('POST', '/api/v1/guard/word-lists', { name: '广告', category: 'ads', words: ['加微信', '微信号', '代开发票'] });
      expect(list.status).toBe(201);
    });
    afterAll(async () => t?.cleanup());

    it('a burst of five joins gets one merged welcome that @-mentions them, capped with "and N others"', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '新人群', type: 'new_user', people: [{ id: 'w-owner', name: '群主', role: 'owner' }] })).body;
      const rule = await t.api('POST', '/api/v1/guard/rules', {
        kind: 'welcome',
        name: '新人欢迎',
        scope: { groupTypes: ['new_user'] },
        config: { template: '欢迎 {nickname} 加入{group}！', windowMs: 60_000, maxNames: 3, attachments: [{ type: 'link', url: 'https://example.com/rules', title: '群规' }] },
      });
      expect(rule.status).toBe(201);
      const joins = ['小王', '小李', '小张', '小赵', '小钱'].map((name, i) => ({ type: 'join', chatId: group.chatId, person: { id: `w-${i}`, name } }));
      for (const join of joins) {
        await t.api('POST', '/api/v1/sim/events', { events: [join] });
        await t.api('POST', '/api/v1/sim/clock', { advanceMs: 5_000 });
      }
      expect(await transcript(group.chatId)).toEqual([]);
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 60_000 });
      const items = await transcript(group.chatId);
      expect(items.map((i) => i.text)).toEqual(['欢迎 @小王 @小李 @小张 等 2 人 加入新人群！', expect.stringContaining('https://example.com/rules')]);
      expect(items[0]!.mentions).toEqual(['w-0', 'w-1', 'w-2']);
      // The next joiner, after the window, opens a new burst.
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: group.chatId, person: { id: 'w-9', name: '小孙' } }] });
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 61_000 });
      expect((await transcript(group.chatId)).map((i) => i.text)).toContain('欢迎 @小孙 加入新人群！');
      expect((await t.api('GET', `/api/v1/guard/rules/${rule.body.id}`)).body.hits).toBe(2);
    });

    it('a welcome never waits past the platform deadline: on WeCom the burst closes within 20 s', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '企微新人群', type: 'camp', profile: 'wecom' })).body;
      await t.api('POST', '/api/v1/guard/rules', { kind: 'welcome', name: '训练营欢迎', scope: { groupIds: [group.id] }, config: { template: '欢迎{nickname}', windowMs: 300_000 } });
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: group.chatId, person: { id: 'wc-1', name: '甲' } }, { type: 'join', chatId: group.chatId, person: { id: 'wc-2', name: '乙' } }] });
      const joinedAt = t.app.clock.now();
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 20_000 });
      const items = await transcript(group.chatId);
      expect(items.map((i) => i.text)).toEqual(['欢迎甲、乙']);
      expect(items[0]!.at - joinedAt).toBeLessThanOrEqual(20_000);
    });

    it('a FAQ question gets its answer once per cooldown, quoting the asker', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: 'FAQ群', type: 'delivery' })).body;
      const rule = await t.api('POST', '/api/v1/guard/rules', {
        kind: 'reply',
        name: '发货时间',
        config: { mode: 'any', patterns: ['什么时候发货', '几天发货'], answers: ['下单后 48 小时内发货'], cooldownMs: 600_000 },
      });
      expect(rule.status).toBe(201);
      await say(group.chatId, 'q-1', '请问什么时候 发货呀？');
      await say(group.chatId, 'q-2', '几天發貨？');
      expect((await transcript(group.chatId)).map((i) => i.text)).toEqual(['下单后 48 小时内发货']);
      expect((await transcript(group.chatId))[0]!.mentions).toEqual(['q-1']);
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 600_000 });
      await say(group.chatId, 'q-2', '几天发货？');
      const items = await transcript(group.chatId);
      expect(items.map((i) => i.text)).toEqual(['下单后 48 小时内发货', '下单后 48 小时内发货']);
      expect(items[1]!.mentions).toEqual(['q-2']);
      expect((await t.api('GET', `/api/v1/guard/rules/${rule.body.id}`)).body.hits).toBe(2);
    });

    it("one person's three offences: private warning, then notice and mute, then removal and blacklist; re-joining elsewhere is refused", async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '铁粉群', people: [{ id: 'o-owner', name: '群主', role: 'owner' }, { id: 'spam-1', name: '广告哥' }] })).body;
      const other = (await t.api('POST', '/api/v1/sim/groups', { name: '同城群' })).body;
      await say(group.chatId, 'spam-1', '加微信 领红包');
      expect((await dms('spam-1')).map((i) => i.text)).toEqual(['广告哥，你的消息违反了群规（ads），请注意。这是第 1 次提醒。']);
      await say(group.chatId, 'spam-1', '想要的 加 V 信 联系我');
      await say(group.chatId, 'spam-1', '代開發票，微信號 abc123');
      const seen = (await transcript(group.chatId)).filter((i) => i.kind !== 'recall');
      expect(seen.map((i) => [i.kind, i.text ?? i.personId])).toEqual([
        ['send', '广告哥 多次违反群规（ads），已被禁言。请大家文明交流。'],
        ['mute', 'spam-1'],
        ['kick', 'spam-1'],
      ]);
      expect(seen[1]!.until! - seen[1]!.at).toBe(86_400_000);
      expect((await transcript(group.chatId)).filter((i) => i.kind === 'recall')).toHaveLength(3);
      const violations = (await t.api('GET', '/api/v1/guard/violations?limit=10')).body.items;
      expect(violations.slice(0, 3).map((v: { offenceNo: number }) => v.offenceNo)).toEqual([3, 2, 1]);
      expect(violations[0].evidence.text).toBe('代開發票，微信號 abc123');
      const blacklist = (await t.api('GET', '/api/v1/blacklist')).body.items;
      expect(blacklist.map((b: { personName: string }) => b.personName)).toContain('广告哥');
      // The same person joins another group of the workspace: removed at once, no welcome.
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: other.chatId, person: { id: 'spam-1', name: '广告哥' } }] });
      expect((await transcript(other.chatId)).map((i) => [i.kind, i.personId])).toEqual([['kick', 'spam-1']]);
      const members = (await t.api('GET', `/api/v1/groups/${other.id}/members`)).body.items;
      expect(members).toHaveLength(0);
      // Unbanned, they may come back.
      const personId = blacklist.find((b: { personName: string }) => b.personName === '广告哥').personId;
      expect((await t.api('DELETE', `/api/v1/blacklist/${personId}`)).status).toBe(204);
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: other.chatId, person: { id: 'spam-1', name: '广告哥' } }] });
      expect((await transcript(other.chatId)).filter((i) => i.kind === 'kick')).toHaveLength(1);
    });

    it('the same offences in a WeCom group (no mute, no kick) become staff tasks with the evidence', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '企微客户群', profile: 'wecom', people: [{ id: 'wx-spam', name: '刷屏的' }] })).body;
      const other = (await t.api('POST', '/api/v1/sim/groups', { name: '企微二群', profile: 'wecom' })).body;
      await say(group.chatId, 'wx-spam', '加微信');
      await say(group.chatId, 'wx-spam', '加微信!!');
      await say(group.chatId, 'wx-spam', '加 微 信');
      expect((await dms('wx-spam')).map((i) => i.text)).toHaveLength(1);
      expect((await transcript(group.chatId)).map((i) => [i.kind, i.text])).toEqual([['send', '刷屏的 多次违反群规（ads），已被禁言。请大家文明交流。']]);
      const tasks = (await t.api('GET', `/api/v1/tasks?groupId=${group.id}&state=open`)).body.items as { title: string; evidence: Record<string, unknown>; source: string }[];
      const byAction = Object.fromEntries(tasks.map((task) => [task.evidence['action'], task]));
      expect(Object.keys(byAction).sort()).toEqual(['kick', 'mute']);
      expect(byAction['mute']!.evidence).toMatchObject({ text: '加微信!!', personExternalId: 'wx-spam', personName: '刷屏的', groupName: '企微客户群', offenceNo: 2 });
      expect(byAction['kick']!.evidence).toMatchObject({ text: '加 微 信', offenceNo: 3, groupId: group.id });
      expect(byAction['kick']!.source).toBe('guard');
      // Blacklisted all the same; joining another WeCom group is flagged to staff.
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: other.chatId, person: { id: 'wx-spam', name: '刷屏的' } }] });
      const flagged = (await t.api('GET', `/api/v1/tasks?groupId=${other.id}&state=open`)).body.items as { evidence: Record<string, unknown> }[];
      expect(flagged.map((f) => f.evidence['reason'])).toEqual(['blacklisted']);
    });

    it('staff, group admins and whitelisted people are never moderated; a pardon takes an offence off the ladder', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '豁免群', people: [{ id: 'ex-admin', name: '管理员', role: 'admin' }, { id: 'ex-kol', name: '达人' }, { id: 'ex-p', name: '普通人' }] })).body;
      await say(group.chatId, 'ex-admin', '加微信 找我');
      const people = (await t.api('GET', '/api/v1/people?limit=500')).body.items as { id: string; identities: { externalId: string }[] }[];
      const kol = people.find((p) => p.identities.some((i) => i.externalId === 'ex-kol'))!.id;
      await t.api('PUT', '/api/v1/guard/exemptions', { items: [{ personId: kol, note: 'KOL' }] });
      await say(group.chatId, 'ex-kol', '加微信 找我');
      expect(await dms('ex-admin')).toEqual([]);
      expect(await dms('ex-kol')).toEqual([]);
      await say(group.chatId, 'ex-p', '加微信');
      const first = (await t.api('GET', '/api/v1/guard/violations?limit=1')).body.items[0];
      expect(first.offenceNo).toBe(1);
      expect((await t.api('POST', `/api/v1/guard/violations/${first.id}/pardon`)).status).toBe(200);
      await say(group.chatId, 'ex-p', '加微信');
      expect((await t.api('GET', '/api/v1/guard/violations?limit=1')).body.items[0].offenceNo).toBe(1);
      expect((await t.api('POST', `/api/v1/guard/violations/${first.id}/pardon`)).status).toBe(409);
      // Offences decay: 31 days later the next one is a first offence again.
      await say(group.chatId, 'ex-p', '加微信');
      expect((await t.api('GET', '/api/v1/guard/violations?limit=1')).body.items[0].offenceNo).toBe(2);
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 31 * 86_400_000 });
      await say(group.chatId, 'ex-p', '加微信');
      expect((await t.api('GET', '/api/v1/guard/violations?limit=1')).body.items[0].offenceNo).toBe(1);
    });

    it('the same text in several groups within the window is a spam wave; @all from a member is misuse', async () => {
      const groups = [];
      for (let i = 0; i < 3; i++) groups.push((await t.api('POST', '/api/v1/sim/groups', { name: `波次${i}`, type: 'traffic' })).body);
      await t.api('POST', '/api/v1/guard/rules', { kind: 'behaviour', name: '刷屏波次', scope: { groupTypes: ['traffic'] }, config: { check: 'spam_wave', count: 3, windowMs: 60_000 } });
      await t.api('POST', '/api/v1/guard/rules', { kind: 'behaviour', name: '@所有人', scope: { groupTypes: ['traffic'] }, config: { check: 'mention_all' } });
      for (const [i, g] of groups.entries()) await say(g.chatId, `wave-${i}`, '限时特价 快来看看');
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'message', chatId: groups[0].chatId, personId: 'all-1', message: { type: 'text', text: '大家看这里', mentionAll: true } }] });
      const violations = (await t.api('GET', '/api/v1/guard/violations?limit=2')).body.items as { category: string; evidence: { personExternalId: string } }[];
      expect(violations.map((v) => [v.category, v.evidence.personExternalId])).toEqual([['mention_all', 'all-1'], ['spam_wave', 'wave-2']]);
    });

    it('behaviour rules: links from new members, QR codes, phone numbers and floods are offences', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '行为群', type: 'local' })).body;
      for (const config of [{ check: 'new_member_link', allowHosts: ['example.com'] }, { check: 'qrcode' }, { check: 'contact' }, { check: 'flood', count: 4, windowMs: 10_000 }]) {
        expect((await t.api('POST', '/api/v1/guard/rules', { kind: 'behaviour', name: config.check, scope: { groupTypes: ['local'] }, config })).status).toBe(201);
      }
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: group.chatId, person: { id: 'b-new', name: '新人' } }] });
      await say(group.chatId, 'b-new', '看看 https://example.com/ok');
      await say(group.chatId, 'b-new', '看看 https://spam.top/x');
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'message', chatId: group.chatId, personId: 'b-qr', message: { type: 'image', url: 'https://img.example.com/q.png', isQrCode: true } }] });
      await say(group.chatId, 'b-phone', '电话 138 0013 8000');
      for (let i = 0; i < 4; i++) await say(group.chatId, 'b-flood', `第${i}条`);
      const violations = (await t.api('GET', `/api/v1/guard/violations?groupId=${group.id}`)).body.items as { category: string; evidence: { personExternalId: string } }[];
      expect(violations.map((v) => [v.category, v.evidence.personExternalId]).reverse()).toEqual([
        ['new_member_link', 'b-new'],
        ['qrcode', 'b-qr'],
        ['contact', 'b-phone'],
        ['flood', 'b-flood'],
      ]);
    });

    it('an invalid or catastrophic regex is refused with the reason; a list import with bad lines imports nothing', async () => {
      const catastrophic = await t.api('POST', '/api/v1/guard/rules', { kind: 'reply', name: 'bad', config: { mode: 'regex', patterns: ['(a+)+$'], answers: ['x'] } });
      expect(catastrophic.status).toBe(400);
      expect(catastrophic.body.code).toBe('guard_regex_unsafe');
      expect(catastrophic.body.details[0].reason).toMatch(/nested quantifier/);
      const invalid = await t.api('POST', '/api/v1/guard/rules', { kind: 'reply', name: 'bad', config: { mode: 'regex', patterns: ['(unclosed'], answers: ['x'] } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.details[0].reason).toMatch(/^invalid/);
      const long = await t.api('POST', '/api/v1/guard/rules', { kind: 'reply', name: 'bad', config: { mode: 'regex', patterns: ['a'.repeat(201)], answers: ['x'] } });
      expect(long.status).toBe(400);
      const list = (await t.api('POST', '/api/v1/guard/word-lists', { name: '导入', category: 'fraud' })).body;
      const bad = await t.api('POST', `/api/v1/guard/word-lists/${list.id}/import`, { content: '刷单\n!!!\n' + 'x'.repeat(60) + '\n返利', format: 'text' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.problems.map((p: { line: number }) => p.line)).toEqual([2, 3]);
      expect((await t.api('GET', `/api/v1/guard/word-lists/${list.id}`)).body.wordCount).toBe(0);
      const csv = await t.api('POST', `/api/v1/guard/word-lists/${list.id}/import`, { content: 'word,note\n刷单,常见\n"返利, 高额",x\n', format: 'csv' });
      expect(csv.body).toEqual({ imported: 2, wordCount: 2 });
    });

    it('a safe regex reply rule answers, and "try a message" shows what would happen without doing it', async () => {
      const group = (await t.api('POST', '/api/v1/sim/groups', { name: '试一试', type: 'vip' })).body;
      await t.api('POST', '/api/v1/guard/rules', { kind: 'reply', name: '订单号', priority: 5, config: { mode: 'regex', patterns: ['订单\\s*\\d{6}'], answers: ['请私聊客服查询订单'], cooldownMs: 0 } });
      const tried = await t.api('POST', '/api/v1/guard/try', { text: '我的订单 123456 到哪了', groupId: group.id });
      expect(tried.status).toBe(200);
      expect(tried.body.reply).toMatchObject({ name: '订单号', answers: ['请私聊客服查询订单'] });
      const banned = await t.api('POST', '/api/v1/guard/try', { text: '加 V 信 领券', groupId: group.id });
      expect(banned.body.hits.map((h: { what: string }) => h.what)).toContain('加微信');
      expect(banned.body.escalation).toEqual({ offenceNo: 1, actions: [{ action: 'warn', capable: true }] });
      expect(banned.body.reply).toBeNull();
      expect(await transcript(group.chatId)).toEqual([]);
      await say(group.chatId, 'r-1', '订单 654321 呢');
      expect((await transcript(group.chatId)).map((i) => i.text)).toEqual(['请私聊客服查询订单']);
      const welcome = (await t.api('GET', '/api/v1/guard/rules?kind=welcome')).body.items[0];
      const preview = await t.api('POST', `/api/v1/guard/rules/${welcome.id}/preview`, { nicknames: ['阿一', '阿二', '阿三', '阿四'] });
      expect(preview.body.messages[0]).toEqual({ type: 'text', text: '欢迎 @阿一 @阿二 @阿三 等 1 人 加入示例群！', mentions: ['sample-1', 'sample-2', 'sample-3'] });
      const stats = (await t.api('GET', '/api/v1/guard/stats')).body;
      expect(stats.violations.total).toBeGreaterThan(0);
      expect(stats.wordLists.find((l: { name: string }) => l.name === '广告').hits).toBeGreaterThan(0);
    });
  });
}
