import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Principal } from '../../kernel/http/principal.js';
import { taskErrors } from './errors.js';
import type { NewTask, Task, TaskPatch, TaskQuery } from './schema.js';
import * as store from './store.js';

export type TaskService = ReturnType<typeof createTaskService>;

export function createTaskService(deps: { db: Db; clock: Clock; audit: (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void> }) {
  const { db, clock } = deps;
  return {
    /** Idempotent by cause key; pass a transaction to make it part of the caller's unit of work. */
    raise: (on: Db, workspaceId: string, task: NewTask) => store.insertTask(on, workspaceId, task, clock.now()),

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
