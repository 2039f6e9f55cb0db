import type { EventHandler } from '../../kernel/events/pipeline.js';
import type { MemberService } from './service.js';

/** Core projection: every person named by an event becomes (or is found as) a person. */
export function memberHandlers(service: MemberService): EventHandler[] {
  return [
    {
      name: 'members.resolve',
      types: 'all',
      core: true,
      async handle({ db, workspaceId, event, now, refs }) {
        const body = event.body;
        const resolve = (ref: Parameters<MemberService['resolvePerson']>[3]) => service.resolvePerson(db, workspaceId, event.connectorId, ref, now);
        switch (body.type) {
          case 'member.joined':
            refs.personId = await resolve(body.person);
            if (body.inviter) refs.inviterPersonId = await resolve(body.inviter);
            return;
          case 'member.left':
          case 'message':
          case 'friend.requested':
          case 'friend.added':
          case 'friend.deleted':
            refs.personId = await resolve(body.person);
            return;
          case 'group.created':
            if (body.owner) refs.personId = await resolve(body.owner);
            return;
          case 'group.renamed':
          case 'group.dismissed':
            return;
        }
      },
    },
  ];
}
