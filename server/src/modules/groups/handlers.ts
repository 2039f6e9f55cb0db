import { z } from 'zod';
import type { Db } from '../../database.js';
import type { EventHandler } from '../../kernel/events/pipeline.js';
import { defineJob, type JobDefinition } from '../../kernel/jobs/jobs.js';
import { DAY, nextLocalTime } from '../../kernel/time.js';
import { messageText } from '../../platforms/message.js';
import * as store from './store.js';

// Core projections: groups, membership history and the chat log follow the
// events. Platforms disagree on what they tell: a message from someone whose
// join never arrived opens an inferred membership (confidence 0.5); a leave
// without a known join is recorded as a closed stint of the same confidence.

const INFERRED = 0.5;

async function ensureGroup(db: Db, workspaceId: string, connectorId: string, chatId: string, now: number): Promise<string> {
  const existing = await store.findGroupRowByChat(db, workspaceId, connectorId, chatId);
  if (existing) return existing.id;
  return store.insertGroup(db, workspaceId, { connectorId, chatId, name: chatId, ownerPersonId: null, now });
}

export function groupHandlers(): EventHandler[] {
  return [
    {
      name: 'groups.project',
      types: ['group.created', 'group.renamed', 'group.dismissed', 'member.joined', 'member.left', 'message'],
      core: true,
      async handle({ db, workspaceId, event, refs }) {
        const body = event.body;
        const at = event.occurredAt;
        switch (body.type) {
          case 'group.created': {
            const groupId = await store.insertGroup(db, workspaceId, { connectorId: event.connectorId, chatId: body.chatId, name: body.name, ownerPersonId: refs.personId ?? null, now: at });
            refs.groupId = groupId;
            if (refs.personId && !(await store.findOpenMembership(db, workspaceId, groupId, refs.personId))) {
              refs.membershipId = await store.insertMembership(db, workspaceId, {
                group_id: groupId, person_id: refs.personId, role: 'owner', joined_at: at, left_at: null, via: 'unknown', inviter_person_id: null,
                left_reason: null, source: event.source, confidence: 1, join_event_id: event.id, leave_event_id: null,
              });
            }
            return;
          }
          case 'group.renamed': {
            refs.groupId = await ensureGroup(db, workspaceId, event.connectorId, body.chatId, at);
            await store.updateGroup(db, workspaceId, refs.groupId, { name: body.name });
            return;
          }
          case 'group.dismissed': {
            refs.groupId = await ensureGroup(db, workspaceId, event.connectorId, body.chatId, at);
            await store.updateGroup(db, workspaceId, refs.groupId, { state: 'dismissed', dismissed_at: at });
            await store.closeAllMemberships(db, workspaceId, refs.groupId, at, 'dismissed');
            return;
          }
          case 'member.joined': {
            const groupId = (refs.groupId = await ensureGroup(db, workspaceId, event.connectorId, body.chatId, at));
            const open = await store.findOpenMembership(db, workspaceId, groupId, refs.personId!);
            if (open) {
              refs.membershipId = open.id;
              return;
            }
            refs.membershipId = await store.insertMembership(db, workspaceId, {
              group_id: groupId,
              person_id: refs.personId!,
              role: body.role ?? 'member',
              joined_at: at,
              left_at: null,
              via: body.via ?? (body.inviter ? 'invite' : 'unknown'),
              inviter_person_id: refs.inviterPersonId ?? null,
              left_reason: null,
              source: event.source,
              confidence: body.confidence ?? 1,
              join_event_id: event.id,
              leave_event_id: null,
            });
            return;
          }
          case 'member.left': {
            const groupId = (refs.groupId = await ensureGroup(db, workspaceId, event.connectorId, body.chatId, at));
            const open = await store.findOpenMembership(db, workspaceId, groupId, refs.personId!);
            if (open) {
              refs.membershipId = open.id;
              await store.closeMembership(db, workspaceId, open.id, { at, reason: body.reason, eventId: event.id });
              return;
            }
            refs.membershipId = await store.insertMembership(db, workspaceId, {
              group_id: groupId, person_id: refs.personId!, role: 'member', joined_at: at, left_at: at, via: 'unknown', inviter_person_id: null,
              left_reason: body.reason, source: event.source, confidence: INFERRED, join_event_id: null, leave_event_id: event.id,
            });
            return;
          }
          case 'message': {
            const groupId = body.chatId ? await ensureGroup(db, workspaceId, event.connectorId, body.chatId, at) : null;
            if (groupId) {
              refs.groupId = groupId;
              const open = await store.findOpenMembership(db, workspaceId, groupId, refs.personId!);
              if (open) refs.membershipId = open.id;
              else {
                refs.membershipId = await store.insertMembership(db, workspaceId, {
                  group_id: groupId, person_id: refs.personId!, role: 'member', joined_at: at, left_at: null, via: 'unknown', inviter_person_id: null,
                  left_reason: null, source: event.source, confidence: INFERRED, join_event_id: null, leave_event_id: null,
                });
              }
            }
            refs.messageRowId = await store.insertMessage(db, workspaceId, {
              connectorId: event.connectorId,
              groupId,
              personId: refs.personId!,
              accountId: null,
              externalId: body.messageId,
              body: body.message,
              text: messageText(body.message),
              at,
            });
            return;
          }
          default:
            return;
        }
      },
    },
  ];
}

/** Daily at 03:30 local time: erase message text past the workspace's retention. */
export function retentionJob(deps: {
  retentionDaysOf(workspaceId: string): Promise<{ days: number; timeZone: string } | null>;
  redactOlderThan(workspaceId: string, olderThan: number): Promise<number>;
}): JobDefinition<unknown> {
  return defineJob({
    name: 'groups.message-retention',
    payload: z.object({}),
    maxAttempts: 3,
    async run({ db, workspaceId, now, schedule, logger }) {
      const setting = await deps.retentionDaysOf(workspaceId);
      if (!setting) return;
      if (setting.days > 0) {
        const erased = await deps.redactOlderThan(workspaceId, now - setting.days * DAY);
        if (erased > 0) logger.info({ workspaceId, erased }, 'message retention erased old text');
      }
      const next = nextLocalTime(now, '03:30', setting.timeZone);
      await schedule(db, workspaceId, { name: 'groups.message-retention', payload: {}, runAt: next, dedupeKey: `retention:${next}` });
    },
  });
}
