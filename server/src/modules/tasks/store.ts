import type { Db, TaskRow } from '../../database.js';
import { newId } from '../../kernel/ids.js';
import { fromJson, toJson } from '../../kernel/json.js';
import type { NewTask, Task, TaskQuery } from './schema.js';

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    detail: row.detail,
    evidence: fromJson(row.evidence, {}),
    dueAt: row.due_at,
    assigneeRole: row.assignee_role as Task['assigneeRole'],
    assigneeUserId: row.assignee_user_id,
    state: row.state as Task['state'],
    source: row.source,
    groupId: row.group_id,
    personId: row.person_id,
    actionId: row.action_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    doneAt: row.done_at,
    doneBy: row.done_by,
  };
}

/** Inserts once per cause key; returns the task's id either way. */
export async function insertTask(db: Db, workspaceId: string, task: NewTask, now: number): Promise<string> {
  const inserted = await db
    .insertInto('tasks')
    .values({
      id: newId('tsk'),
      workspace_id: workspaceId,
      cause_key: task.causeKey,
      title: task.title,
      detail: task.detail ?? null,
      evidence: toJson(task.evidence ?? {}),
      due_at: task.dueAt ?? null,
      assignee_role: task.assigneeRole ?? 'operator',
      assignee_user_id: null,
      state: 'open',
      source: task.source,
      group_id: task.groupId ?? null,
      person_id: task.personId ?? null,
      action_id: task.actionId ?? null,
      created_at: now,
      updated_at: now,
      done_at: null,
      done_by: null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'cause_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('tasks')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('cause_key', '=', task.causeKey)
    .executeTakeFirstOrThrow();
  return existing.id;
}

export async function findTask(db: Db, workspaceId: string, id: string): Promise<Task | undefined> {
  const row = await db.selectFrom('tasks').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toTask(row) : undefined;
}

export async function listTasks(db: Db, workspaceId: string, query: TaskQuery): Promise<Task[]> {
  const rows = await db
    .selectFrom('tasks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(query.state !== undefined, (q) => q.where('state', '=', query.state!))
    .$if(query.groupId !== undefined, (q) => q.where('group_id', '=', query.groupId!))
    .$if(query.assigneeRole !== undefined, (q) => q.where('assignee_role', '=', query.assigneeRole!))
    .$if(query.before !== undefined, (q) => q.where('id', '<', query.before!))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  return rows.map(toTask);
}

export async function updateTask(db: Db, workspaceId: string, id: string, set: Partial<TaskRow>): Promise<boolean> {
  const result = await db.updateTable('tasks').set(set).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countOpenTasks(db: Db): Promise<number> {
  const row = await db.selectFrom('tasks').select(db.fn.countAll<number>().as('n')).where('state', '=', 'open').executeTakeFirst();
  return Number(row?.n ?? 0);
}
