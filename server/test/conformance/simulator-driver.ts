import type { SimProfile } from '../../src/platforms/connectors/schema.js';
import type { Capabilities } from '../../src/platforms/platform.js';
import { SIM_PROFILES } from '../../src/platforms/simulator/profiles.js';
import type { Dialect } from '../../src/kernel/db/db.js';
import { startTestApp } from '../support/app.js';
import type { ConformanceDriver, PeerPerson, Received } from './driver.js';

// The simulator under one profile: the control API is the peer, the transcript is what the platform received.

export async function simulatorDriver(dialect: Dialect, profile: SimProfile): Promise<ConformanceDriver> {
  const t = await startTestApp(dialect);
  let connectorId = '';
  let people = 0;
  let groups = 0;
  const events = (...list: unknown[]) => t.api('POST', '/api/v1/sim/events', { events: list });
  type Item = { kind: string; text?: string; personId?: string; mentions?: string[] };
  return {
    label: `simulator (${profile})`,
    t,
    get connectorId() {
      return connectorId;
    },
    async capabilities(): Promise<Capabilities> {
      return SIM_PROFILES[profile];
    },
    async createGroup(name) {
      const created = await t.api('POST', '/api/v1/sim/groups', { name, profile, people: [{ id: `owner-${++groups}`, name: `${name}群主`, role: 'owner' }] });
      if (created.status !== 201) throw new Error(`the simulator refused the group: ${JSON.stringify(created.body)}`);
      const group = created.body;
      connectorId = group.connectorId;
      return group.chatId as string;
    },
    async person(name): Promise<PeerPerson> {
      return { externalId: `p-${profile}-${++people}`, name };
    },
    async join(chatId, person, how = {}) {
      await events({
        type: 'join',
        chatId,
        person: { id: person.externalId, name: person.name },
        ...(how.link ? { via: 'link', inviteCode: how.link } : {}),
        ...(how.inviter ? { via: 'invite', inviterId: how.inviter.externalId } : {}),
      });
    },
    async say(chatId, person, text) {
      await events({ type: 'message', chatId, personId: person.externalId, text });
    },
    async leave(chatId, person) {
      await events({ type: 'leave', chatId, personId: person.externalId });
    },
    async inviteLink(_chatId, name) {
      // The simulated platform names its links; a profile without them has none.
      return SIM_PROFILES[profile].createInviteLink ? `sim-link:${name}` : null;
    },
    async received(chatId): Promise<Received[]> {
      const items = (await t.api('GET', `/api/v1/sim/transcript?chatId=${encodeURIComponent(chatId)}`)).body.items as Item[];
      return items.map((i) => ({ kind: i.kind === 'send' || i.kind === 'kick' || i.kind === 'mute' ? i.kind : 'other', text: i.text, personExternalId: i.personId, mentions: i.mentions }));
    },
    async direct(person) {
      const items = (await t.api('GET', `/api/v1/sim/dm?personId=${encodeURIComponent(person.externalId)}`)).body.items as Item[];
      return items.map((i) => i.text ?? '');
    },
    async settle(ms = 0) {
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: ms });
    },
    close: () => t.cleanup(),
  };
}
