import type { Capabilities } from '../../src/platforms/platform.js';
import type { TestApp } from '../support/app.js';

// What the conformance scenario needs from a platform, and nothing more: make a
// group, make people join, speak and leave, make a named invite link, and read
// back what the platform itself received (sends, kicks, mutes; private
// messages). Each platform's driver talks to its own peer (the simulator API,
// the fake WeCom server, the Wechaty mock puppet, the fake Bot API).

/** A person as the platform knows them: its own id and display name. */
export type PeerPerson = { externalId: string; name: string };

/** One thing the platform received from Qunyun in a group. */
export type Received = { kind: 'send' | 'kick' | 'mute' | 'other'; text?: string | undefined; personExternalId?: string | undefined; mentions?: string[] | undefined };

export interface ConformanceDriver {
  readonly label: string;
  readonly t: TestApp;
  readonly connectorId: string;
  capabilities(): Promise<Capabilities>;
  /** A group where Qunyun's account may act (admin where the platform has admins), known to Qunyun once it returns. */
  createGroup(name: string): Promise<string>;
  /** A person who exists on the platform (not yet in any group). */
  person(name: string): Promise<PeerPerson>;
  join(chatId: string, person: PeerPerson, how?: { link?: string; inviter?: PeerPerson }): Promise<void>;
  say(chatId: string, person: PeerPerson, text: string): Promise<void>;
  leave(chatId: string, person: PeerPerson): Promise<void>;
  /** A named invite link for the group, or null when the platform cannot make one. */
  inviteLink(chatId: string, name: string): Promise<string | null>;
  /** What the platform received in the group, in order. */
  received(chatId: string): Promise<Received[]>;
  /** Private messages the person received from Qunyun's accounts. */
  direct(person: PeerPerson): Promise<string[]>;
  /** Lets time pass on the virtual clock (welcome windows, rate limits) and waits until the platform has everything. */
  settle(ms?: number): Promise<void>;
  close(): Promise<void>;
}
