import { z } from 'zod';
import { RoleSchema } from './schema.js';

// Staff login, sessions and invites: the console contract (docs/console.md).

const email = z.string().trim().toLowerCase().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/, 'an email address');
const password = z.string().min(1).max(200);

export const LoginSchema = z.object({ workspace: z.string().min(1).max(40), email, password }).strict();
export type Login = z.infer<typeof LoginSchema>;

export const SessionBodySchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: RoleSchema }),
  workspace: z.object({ id: z.string(), slug: z.string(), name: z.string(), timeZone: z.string() }),
  workspaces: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string(), role: RoleSchema })),
  csrfToken: z.string(),
});
export type SessionBody = z.infer<typeof SessionBodySchema>;

export const SwitchSchema = z.object({ workspaceId: z.string().min(1).max(64) }).strict();

export const PasswordChangeSchema = z.object({ currentPassword: password, newPassword: z.string().min(8).max(200) }).strict();

export const StaffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
});
export type Staff = z.infer<typeof StaffSchema>;

export const InviteCreateSchema = z.object({ email, role: RoleSchema }).strict();
export const InviteCreatedSchema = z.object({ token: z.string(), url: z.string(), expiresAt: z.number() });

export const AcceptInviteSchema = z.object({ token: z.string().min(10).max(200), name: z.string().trim().min(1).max(100), password: z.string().min(8).max(200) }).strict();

export const StaffPatchSchema = z
  .object({ role: RoleSchema.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((patch) => patch.role !== undefined || patch.disabled !== undefined, 'nothing to change');
export type StaffPatch = z.infer<typeof StaffPatchSchema>;

export const ThrottledSchema = z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }), retryAfterSeconds: z.number().int() });
