import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/platforms/platform.js';
import type { ConformanceDriver, PeerPerson, Received } from './driver.js';

// The conformance scenario, written once: join → welcome → question → keyword
// reply → offence ladder (warning; notice + mute; kick + blacklist) → the same
// message in several groups (a spam wave) → leave, and a named invite link that
// attributes the next joiner. Expectations follow the declared capabilities: a
// step the platform cannot do must appear as a staff task with the evidence; a
// platform that cannot read group messages gets no keyword reply and says so.

const WELCOME_WINDOW_MS = 10_000;
const ANSWER = '下单后 48 小时内发货';
const MINUTE = 60_000;

type Task = { title: string; source: string; evidence: Record<string, unknown> };
type Violation = { category: string; offenceNo: number; evidence: { text?: string; personExternalId?: string } };

export function conformanceScenario(label: string, makeDriver: () => Promise<ConformanceDriver>): void {
  describe(`the conformance scenario on ${label}`, () => {
    let d: ConformanceDriver;
    let caps: Capabilities;
    let chatId: string;
    let groupId: string;
    let newcomer: PeerPerson;

    const tasksOf = async (gid: string): Promise<Task[]> => (await d.t.api('GET', `/api/v1/tasks?groupId=${gid}&state=open`)).body.items;
    const violations = async (): Promise<Violation[]> => (await d.t.api('GET', '/api/v1/guard/violations?limit=50')).body.items;
    const sends = (items: Received[]) => items.filter((i) => i.kind === 'send');
    const addresses = (item: Received, person: PeerPerson) =>
      (item.text ?? '').includes(person.name) || (item.mentions ?? []).includes(person.externalId) || (item.text ?? '').includes(`@${person.externalId}`);
    async function groupIdOf(chat: string): Promise<string> {
      const groups = (await d.t.api('GET', '/api/v1/groups?limit=500')).body.items as { id: string; chatId: string }[];
      const found = groups.find((g) => g.chatId === chat);
      if (!found) throw new Error(`group ${chat} is not known to Qunyun`);
      return found.id;
    }
    async function joinedEvents(): Promise<Record<string, any>[]> {
      const rows = await d.t.app.dbHandle.db.selectFrom('events').select('payload').where('connector_id', '=', d.connectorId).where('type', '=', 'member.joined').execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, any>);
    }

    beforeAll(async () => {
      d = await makeDriver();
      caps = await d.capabilities();
      const api = d.t.api.bind(d.t);
      expect((await api('POST', '/api/v1/guard/word-lists', { name: '广告', category: 'ads', words: ['加微信', '微信号', '代开发票'] })).status).toBe(201);
      expect((await api('POST', '/api/v1/guard/rules', { kind: 'welcome', name: '欢迎', config: { template: '欢迎 {nickname} 加入{group}！', windowMs: WELCOME_WINDOW_MS } })).status).toBe(201);
      expect((await api('POST', '/api/v1/guard/rules', { kind: 'reply', name: '发货', config: { mode: 'any', patterns: ['什么时候发货'], answers: [ANSWER], cooldownMs: 600_000 } })).status).toBe(201);
      expect((await api('POST', '/api/v1/guard/rules', { kind: 'behaviour', name: '刷屏波次', config: { check: 'spam_wave', count: 3, windowMs: MINUTE } })).status).toBe(201);
      chatId = await d.createGroup('合规群');
      groupId = await groupIdOf(chatId);
    }, 60_000);
    afterAll(async () => d?.close());

    it('a joiner is welcomed by name within the welcome window (and within the platform deadline)', async () => {
      newcomer = await d.person('小新');
      await d.join(chatId, newcomer);
      await d.settle(Math.min(WELCOME_WINDOW_MS, caps.welcomeDeadlineMs ?? WELCOME_WINDOW_MS) + 1_000);
      const welcomes = sends(await d.received(chatId)).filter((i) => i.text?.includes('欢迎'));
      expect(welcomes).toHaveLength(1);
      expect(addresses(welcomes[0]!, newcomer), JSON.stringify(welcomes[0])).toBe(true);
      const members = (await d.t.api('GET', `/api/v1/groups/${groupId}/members`)).body.items as { personName: string }[];
      expect(members.map((m) => m.personName)).toContain(newcomer.name);
    });

    it(caps_say('a question gets the keyword reply', 'a question gets no keyword reply, because the platform cannot read group messages'), async () => {
      const asker = await d.person('提问者');
      await d.join(chatId, asker);
      await d.settle(WELCOME_WINDOW_MS + 1_000);
      await d.say(chatId, asker, '请问什么时候发货？');
      await d.settle(MINUTE);
      const answers = sends(await d.received(chatId)).filter((i) => i.text?.includes(ANSWER));
      if (caps.readGroupMessages) {
        expect(answers).toHaveLength(1);
      } else {
        expect(answers).toEqual([]);
        expect(caps.readGroupMessages).toBe(false);
      }
    });

    it('the offence ladder: private warning, then notice and mute, then removal and blacklist — what the platform cannot do is a staff task with the evidence', async () => {
      const spammer = await d.person('广告哥');
      await d.join(chatId, spammer);
      await d.settle(WELCOME_WINDOW_MS + 1_000);
      const offences = ['加微信 领红包', '想要的 加微信 联系我', '代开发票，微信号 abc123'];
      for (const text of offences) {
        await d.say(chatId, spammer, text);
        await d.settle(MINUTE);
      }
      const seen = await d.received(chatId);
      const tasks = await tasksOf(groupId);
      const taskFor = (action: string) => tasks.find((task) => task.evidence['action'] === action && task.evidence['personExternalId'] === spammer.externalId);
      if (!caps.readGroupMessages) {
        // Nothing to see, nothing to moderate: no violation, no action, no task.
        expect((await violations()).filter((v) => v.evidence.personExternalId === spammer.externalId)).toEqual([]);
        expect(seen.filter((i) => i.kind !== 'send')).toEqual([]);
        return;
      }
      const mine = (await violations()).filter((v) => v.evidence.personExternalId === spammer.externalId);
      expect(mine.map((v) => v.offenceNo).sort()).toEqual([1, 2, 3]);
      expect(mine.find((v) => v.offenceNo === 3)!.evidence.text).toBe(offences[2]);
      // 1: a private warning where the platform can speak privately.
      if (caps.send?.direct) expect((await d.direct(spammer)).filter((text) => text.includes('第 1 次提醒'))).toHaveLength(1);
      // 2: a notice in the group, and a mute or a staff task to mute.
      expect(sends(seen).filter((i) => i.text?.includes('多次违反群规') && addresses(i, spammer))).toHaveLength(1);
      if (caps.mute) {
        expect(seen.filter((i) => i.kind === 'mute').map((i) => i.personExternalId)).toEqual([spammer.externalId]);
        expect(taskFor('mute')).toBeUndefined();
      } else {
        expect(seen.filter((i) => i.kind === 'mute')).toEqual([]);
        expect(taskFor('mute')?.evidence).toMatchObject({ text: offences[1], offenceNo: 2 });
      }
      // 3: removal (or a staff task to remove), and the blacklist either way.
      if (caps.kick) {
        expect(seen.filter((i) => i.kind === 'kick').map((i) => i.personExternalId)).toEqual([spammer.externalId]);
        expect(taskFor('kick')).toBeUndefined();
      } else {
        expect(seen.filter((i) => i.kind === 'kick')).toEqual([]);
        expect(taskFor('kick')).toMatchObject({ source: 'guard', evidence: { text: offences[2], offenceNo: 3, groupId } });
      }
      const blacklist = (await d.t.api('GET', '/api/v1/blacklist')).body.items as { personName: string }[];
      expect(blacklist.map((b) => b.personName)).toContain(spammer.name);
    });

    it(caps_say('the same message in three groups within a minute is a spam wave', 'a spam wave goes unseen, because the platform cannot read group messages'), async () => {
      const text = '限时特价 快来看看 https://spam.example/x';
      const waver: PeerPerson[] = [];
      for (const n of [1, 2, 3]) {
        const chat = await d.createGroup(`波次${n}`);
        const person = await d.person(`波次人${n}`);
        await d.join(chat, person);
        waver.push(person);
        await d.say(chat, person, text);
      }
      await d.settle(MINUTE);
      const waves = (await violations()).filter((v) => v.category === 'spam_wave');
      if (caps.readGroupMessages) expect(waves.map((v) => v.evidence.personExternalId)).toEqual([waver[2]!.externalId]);
      else expect(waves).toEqual([]);
    });

    it('a member who leaves is no longer a member, and the history keeps the stay', async () => {
      await d.leave(chatId, newcomer);
      await d.settle(1_000);
      const now = (await d.t.api('GET', `/api/v1/groups/${groupId}/members`)).body.items as { personName: string }[];
      expect(now.map((m) => m.personName)).not.toContain(newcomer.name);
      const history = (await d.t.api('GET', `/api/v1/groups/${groupId}/members?view=history`)).body.items as { personName: string; leftAt: number | null; leftReason: string | null }[];
      expect(history.find((m) => m.personName === newcomer.name)).toMatchObject({ leftAt: expect.any(Number), leftReason: 'quit' });
    });

    it(caps_say('a named invite link attributes the next joiner to it', 'without named invite links the next joiner is attributed to the person who invited them'), async () => {
      const link = await d.inviteLink(chatId, 'poster-spring');
      const joiner = await d.person('海报来的');
      if (caps.createInviteLink) {
        expect(link).toEqual(expect.any(String));
        await d.join(chatId, joiner, { link: link! });
        await d.settle(1_000);
        const joined = (await joinedEvents()).filter((e) => e.person.externalId === joiner.externalId);
        expect(joined.find((e) => e.inviteCode)).toMatchObject({ chatId, via: 'link', inviteCode: link });
      } else {
        expect(link).toBeNull();
        const inviter = await d.person('老会员');
        await d.join(chatId, inviter);
        await d.join(chatId, joiner, { inviter });
        await d.settle(1_000);
        const joined = (await joinedEvents()).filter((e) => e.person.externalId === joiner.externalId);
        expect(joined.find((e) => e.inviter)).toMatchObject({ chatId, via: 'invite', inviter: { externalId: inviter.externalId } });
      }
      const history = (await d.t.api('GET', `/api/v1/groups/${groupId}/members?view=history`)).body.items as { personName: string; via: string }[];
      expect(history.find((m) => m.personName === joiner.name)?.via).toBe(caps.createInviteLink ? 'link' : 'invite');
    });
  });
}

/** Test names say what is expected; the capability decides at run time, so both readings are in the name. */
function caps_say(can: string, cannot: string): string {
  return `${can} (or: ${cannot})`;
}
