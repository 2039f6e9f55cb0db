import type { ConnectorRow, Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import { messageText } from '../message.js';
import type { PerformResult, PlatformAction, PlatformAdapter, PlatformEvent } from '../platform.js';
import type { SimProfile } from '../connectors/schema.js';
import { SIM_PROFILES } from './profiles.js';
import * as store from './store.js';

// The simulator's adapter: carries out actions on the simulated world and
// writes them to the transcript; what a real platform would report back (a
// kicked member leaving, a renamed group) comes back as events.

export type Emit = (workspaceId: string, events: PlatformEvent[]) => Promise<void>;

const fail = (code: string, message: string): PerformResult => ({ ok: false, failure: 'permanent', code, message });

export function createSimulatorAdapter(connector: ConnectorRow, deps: { db: Db; clock: Clock; emit: Emit }): PlatformAdapter {
  const { db, clock } = deps;
  const workspaceId = connector.workspace_id;
  const capabilities = SIM_PROFILES[(connector.profile ?? 'full') as SimProfile];

  async function record(action: PlatformAction, body: Record<string, unknown>): Promise<boolean> {
    return store.appendTranscript(db, workspaceId, {
      connectorId: connector.id,
      chatId: action.chatId,
      dmPersonExtId: action.chatId ? null : action.personExternalId,
      kind: action.kind,
      accountId: action.accountId,
      body,
      actionId: action.actionId,
      at: clock.now(),
    });
  }

  async function liveChat(chatId: string | null): Promise<PerformResult | null> {
    if (!chatId) return fail('chat_required', 'this action needs a group');
    const chat = await store.findChat(db, workspaceId, chatId);
    if (!chat || chat.connector_id !== connector.id) return fail('chat_not_found', `no simulated chat ${chatId}`);
    if (chat.dismissed) return fail('chat_dismissed', `chat ${chatId} was dismissed`);
    return null;
  }

  async function perform(action: PlatformAction): Promise<PerformResult> {
    const now = clock.now();
    switch (action.kind) {
      case 'send': {
        const message = action.message;
        if (!message) return fail('message_required', 'send needs a message');
        if (action.chatId) {
          const problem = await liveChat(action.chatId);
          if (problem) return problem;
        } else if (!action.personExternalId) return fail('target_required', 'send needs a chat or a person');
        await record(action, {
          text: messageText(message) || undefined,
          mentions: message.mentions,
          mentionAll: message.mentionAll,
          replyTo: message.replyTo,
          message,
        });
        return { ok: true, platformRef: action.actionId };
      }
      case 'kick': {
        const problem = await liveChat(action.chatId);
        if (problem) return problem;
        const member = await store.findMember(db, workspaceId, action.chatId!, action.personExternalId ?? '');
        if (!member?.present) return fail('not_a_member', `${action.personExternalId} is not in ${action.chatId}`);
        if (!(await record(action, { personId: action.personExternalId }))) return { ok: true };
        await store.setMember(db, workspaceId, action.chatId!, member.person_ext_id, { present: 0 });
        await deps.emit(workspaceId, [
          {
            connectorId: connector.id,
            platformEventId: `kick:${action.actionId}`,
            occurredAt: now,
            source: 'sim',
            body: { type: 'member.left', chatId: action.chatId!, person: { externalId: member.person_ext_id, name: member.name, linkKey: member.person_ext_id }, reason: 'removed' },
          },
        ]);
        return { ok: true };
      }
      case 'mute':
      case 'unmute': {
        const problem = await liveChat(action.chatId);
        if (problem) return problem;
        const member = await store.findMember(db, workspaceId, action.chatId!, action.personExternalId ?? '');
        if (!member?.present) return fail('not_a_member', `${action.personExternalId} is not in ${action.chatId}`);
        const until = action.kind === 'mute' ? Math.min(action.until ?? now, now + capabilities.mute!.maxMs) : null;
        await record(action, { personId: action.personExternalId, until: until ?? undefined });
        await store.setMember(db, workspaceId, action.chatId!, member.person_ext_id, { muted_until: until });
        return { ok: true };
      }
      case 'announce': {
        const problem = await liveChat(action.chatId);
        if (problem) return problem;
        await record(action, { text: action.text, mentionAll: true });
        return { ok: true };
      }
      case 'rename': {
        const problem = await liveChat(action.chatId);
        if (problem) return problem;
        if (!action.text) return fail('name_required', 'rename needs a name');
        if (!(await record(action, { text: action.text }))) return { ok: true };
        await store.renameChat(db, workspaceId, action.chatId!, action.text);
        await deps.emit(workspaceId, [
          { connectorId: connector.id, platformEventId: `rename:${action.actionId}`, occurredAt: now, source: 'sim', body: { type: 'group.renamed', chatId: action.chatId!, name: action.text } },
        ]);
        return { ok: true };
      }
      case 'recall': {
        await record(action, { replyTo: action.messageId });
        return { ok: true };
      }
    }
  }

  return {
    platform: 'simulator',
    capabilities,
    perform,
    listSent: (actionIds) => store.sentAmong(db, actionIds),
  };
}
