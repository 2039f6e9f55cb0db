import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Principal } from '../../kernel/http/principal.js';
import { enqueueAction, findAction, listActions, type Action, type ActionFilter } from '../../kernel/outbox/outbox.js';
import type { ConnectorService } from '../../platforms/connectors/index.js';
import type { Message } from '../../platforms/message.js';
import type { GroupService } from '../groups/index.js';
import type { MemberService } from '../members/index.js';
import { messageErrors } from './errors.js';
import type { SendRequest } from './schema.js';

export type MessageService = ReturnType<typeof createMessageService>;
type Audit = (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void>;

/** Refuses up front what the platform cannot send, instead of failing later in the dispatcher. */
function checkCapabilities(connectors: ConnectorService, connectorId: string, message: Message, direct: boolean): void {
  const adapter = connectors.adapterFor(connectorId);
  if (!adapter) throw messageErrors.connectorDown({ connectorId });
  const send = adapter.capabilities.send;
  const missing: string[] = [];
  if (!send) missing.push('send');
  else {
    if (!send.types.includes(message.type)) missing.push(`type ${message.type}`);
    if (message.mentions?.length && !send.mentions) missing.push('mentions');
    if (message.mentionAll && !send.mentionAll) missing.push('mentionAll');
    if (message.replyTo && !send.replyTo) missing.push('replyTo');
    if (direct && !send.direct) missing.push('direct messages');
  }
  if (missing.length > 0) throw messageErrors.capabilityMissing({ platform: adapter.platform, missing });
}

export function createMessageService(deps: { db: Db; clock: Clock; connectors: ConnectorService; groups: GroupService; members: MemberService; audit: Audit; kick: () => void }) {
  const { db, clock, connectors } = deps;

  async function resolveTarget(workspaceId: string, target: SendRequest['target']) {
    if ('groupId' in target) {
      const group = await deps.groups.getOrThrow(workspaceId, target.groupId).catch(() => {
        throw messageErrors.targetNotFound({ groupId: target.groupId });
      });
      if (group.state === 'dismissed') throw messageErrors.groupDismissed();
      return { connectorId: group.connectorId, chatId: group.chatId, groupId: group.id, personId: null, personExternalId: null };
    }
    if ('chatId' in target) {
      const group = await deps.groups.findByChat(workspaceId, target.connectorId, target.chatId);
      if (!group) throw messageErrors.targetNotFound({ chatId: target.chatId });
      if (group.state === 'dismissed') throw messageErrors.groupDismissed();
      return { connectorId: group.connector_id, chatId: group.chat_id, groupId: group.id, personId: null, personExternalId: null };
    }
    await deps.members.getOrThrow(workspaceId, target.personId).catch(() => {
      throw messageErrors.targetNotFound({ personId: target.personId });
    });
    const identity = await deps.members.externalIdOn(workspaceId, target.personId, target.connectorId);
    if (!identity) throw messageErrors.noIdentity({ personId: target.personId, connectorId: target.connectorId });
    return { connectorId: identity.connectorId, chatId: null, groupId: null, personId: target.personId, personExternalId: identity.externalId };
  }

  return {
    async send(principal: Principal, request: SendRequest): Promise<{ action: Action; created: boolean }> {
      const workspaceId = principal.workspaceId;
      const target = await resolveTarget(workspaceId, request.target);
      if (request.accountId) {
        const account = await connectors.findAccount(workspaceId, request.accountId);
        if (!account || account.connectorId !== target.connectorId) throw messageErrors.accountNotFound({ accountId: request.accountId });
      }
      checkCapabilities(connectors, target.connectorId, request.message, target.chatId === null);
      const result = await db.transaction().execute(async (trx) => {
        const enqueued = await enqueueAction(
          trx,
          workspaceId,
          {
            key: `api:${request.idempotencyKey}`,
            lane: 'api',
            connectorId: target.connectorId,
            accountId: request.accountId ?? null,
            kind: 'send',
            chatId: target.chatId,
            personExternalId: target.personExternalId,
            groupId: target.groupId,
            personId: target.personId,
            message: request.message,
            notBefore: request.notBefore,
            cause: `api:${principal.actor}`,
          },
          clock.now(),
        );
        if (enqueued.created) await deps.audit(workspaceId, principal.actor, 'message.send', enqueued.action.id, { target: request.target, idempotencyKey: request.idempotencyKey }, trx);
        return enqueued;
      });
      deps.kick();
      return result;
    },

    async getOrThrow(workspaceId: string, id: string): Promise<Action> {
      const action = await findAction(db, workspaceId, id);
      if (!action) throw messageErrors.actionNotFound();
      return action;
    },

    list: (workspaceId: string, filter: ActionFilter) => listActions(db, workspaceId, filter),
  };
}
