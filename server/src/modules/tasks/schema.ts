import { z } from 'zod';

// Staff tasks (待办): what a person must do when a platform cannot do a step
// (WeCom cannot kick), when a send's fate is unknown, or when an SOP step is a
// reminder (督学, private chats). Modules create them; staff mark them done.

export const TaskStateSchema = z.enum(['open', 'done', 'dismissed']);
export const AssigneeRoleSchema = z.enum(['owner', 'admin', 'operator', 'assistant']);

export const TaskSchema = z.object({
  id: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  /** What shows the task is needed: the message, the rule, the failed action. */
  evidence: z.record(z.string(), z.unknown()),
  dueAt: z.number().nullable(),
  assigneeRole: AssigneeRoleSchema,
  assigneeUserId: z.string().nullable(),
  state: TaskStateSchema,
  source: z.string(),
  groupId: z.string().nullable(),
  personId: z.string().nullable(),
  actionId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  doneAt: z.number().nullable(),
  doneBy: z.string().nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const TaskPatchSchema = z
  .object({
    state: TaskStateSchema.optional(),
    assigneeRole: AssigneeRoleSchema.optional(),
    assigneeUserId: z.string().min(1).max(64).nullable().optional(),
    dueAt: z.number().int().nonnegative().nullable().optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type TaskPatch = z.infer<typeof TaskPatchSchema>;

/** A task staff write by hand (a follow-up they promised, a call to make); the same fields a module fills. */
export const TaskCreateSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    detail: z.string().trim().max(4000).nullable().optional(),
    groupId: z.string().min(1).max(64).optional(),
    personId: z.string().min(1).max(64).optional(),
    dueAt: z.number().int().nonnegative().nullable().optional(),
    assigneeRole: AssigneeRoleSchema.optional(),
  })
  .strict();
export type TaskCreate = z.infer<typeof TaskCreateSchema>;

export const TaskQuerySchema = z.object({
  state: TaskStateSchema.optional(),
  groupId: z.string().max(64).optional(),
  assigneeRole: AssigneeRoleSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().max(64).optional(),
});
export type TaskQuery = z.infer<typeof TaskQuerySchema>;

export type NewTask = {
  /** Derived from what caused it; the same cause never makes two tasks. */
  causeKey: string;
  title: string;
  detail?: string | null;
  evidence?: Record<string, unknown>;
  dueAt?: number | null;
  assigneeRole?: z.infer<typeof AssigneeRoleSchema>;
  source: string;
  groupId?: string | null;
  personId?: string | null;
  actionId?: string | null;
};
