import { z } from 'zod';

export const RoleSchema = z.enum(['owner', 'admin', 'operator', 'assistant', 'viewer']);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const WorkspaceSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  quietHours: z.object({ start: hhmm, end: hhmm }).nullable(),
  messageRetentionDays: z.number().int(),
  createdAt: z.number(),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const WorkspacePatchSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    timeZone: z.string().min(1).max(64).optional(),
    quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable().optional(),
    /** 0 keeps message text forever. */
    messageRetentionDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();
export type WorkspacePatch = z.infer<typeof WorkspacePatchSchema>;

export const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
export type Token = z.infer<typeof TokenSchema>;

export const TokenCreateSchema = z.object({ name: z.string().min(1).max(100), role: RoleSchema }).strict();

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
