import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Principal } from '../../kernel/http/principal.js';
import { newId } from '../../kernel/ids.js';
import { taskErrors } from './errors.js';
import type { NewTask, Task, TaskCreate, TaskPatch, TaskQuery } from './schema.js';
import * as store from './store.js';

export type TaskService = ReturnType<typeof createTaskService>;

export function createTaskService(deps: {
  db: Db;
  clock: Clock;
  audit: (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void>;
  /** Asked through the groups module (it owns groups). */
  groupExists: (workspaceId: string, groupId: string) => Promise<boolean>;
  /** Asked through the members module (it owns people); `on` is the caller's transaction. */
  personExists: (on: Db, workspaceId: string, personId: string) => Promise<boolean>;
}) {
  const { db, clock } = deps;
  return {
    /** Idempotent by cause key; pass a transaction to make it part of the caller's unit of work. */
    raise: (on: Db, workspaceId: string, task: NewTask) => store.insertTask(on, workspaceId, task, clock.now()),

    /** A task written by staff. Each is its own cause, so two alike are two tasks. */
    async create(principal: Principal, input: TaskCreate): Promise<Task> {
      const workspaceId = principal.workspaceId;
      if (input.groupId !== undefined && !(await deps.groupExists(workspaceId, input.groupId))) throw taskErrors.groupNotFound();
      return db.transaction().execute(async (trx) => {
        if (input.personId !== undefined && !(await deps.personExists(trx, workspaceId, input.personId))) throw taskErrors.personNotFound();
        const id = await store.insertTask(trx, workspaceId, {
          causeKey: `manual:${newId('tc')}`,
          title: input.title,
          detail: input.detail ?? null,
          evidence: { createdBy: principal.actor },
          dueAt: input.dueAt ?? null,
          ...(input.assigneeRole !== undefined && { assigneeRole: input.assigneeRole }),
          source: 'manual',
          groupId: input.groupId ?? null,
          personId: input.personId ?? null,
        }, clock.now());
        await deps.audit(workspaceId, principal.actor, 'task.create', id, { title: input.title, groupId: input.groupId ?? null, personId: input.personId ?? null }, trx);
        return (await store.findTask(trx, workspaceId, id))!;
      });
    },

    list: (workspaceId: string, query: TaskQuery) => store.listTasks(db, workspaceId, query),

    async getOrThrow(workspaceId: string, id: string): Promise<Task> {
      const task = await store.findTask(db, workspaceId, id);
      if (!task) throw taskErrors.taskNotFound();
      return task;
    },

    async update(principal: Principal, id: string, patch: TaskPatch): Promise<Task> {
      return db.transaction().execute(async (trx) => {
        const task = await store.findTask(trx, principal.workspaceId, id);
        if (!task) throw taskErrors.taskNotFound();
        const now = clock.now();
        const closing = patch.state !== undefined && patch.state !== 'open';
        await store.updateTask(trx, principal.workspaceId, id, {
          updated_at: now,
          ...(patch.state !== undefined && { state: patch.state, done_at: closing ? now : null, done_by: closing ? principal.actor : null }),
          ...(patch.assigneeRole !== undefined && { assignee_role: patch.assigneeRole }),
          ...(patch.assigneeUserId !== undefined && { assignee_user_id: patch.assigneeUserId }),
          ...(patch.dueAt !== undefined && { due_at: patch.dueAt }),
        });
        await deps.audit(principal.workspaceId, principal.actor, 'task.update', id, patch, trx);
        return (await store.findTask(trx, principal.workspaceId, id))!;
      });
    },

    countOpen: () => store.countOpenTasks(db),
  };
}
