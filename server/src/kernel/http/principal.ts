import { z } from 'zod';

// Roles, from most to least powerful. A route names the least role it needs.
export const ROLES = ['owner', 'admin', 'operator', 'assistant', 'viewer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(needed);
}

/** Who is asking: a workspace, a role and an actor name for the audit log. */
export type Principal = {
  workspaceId: string;
  role: Role;
  /** `token:<id>` or `user:<id>` */
  actor: string;
};
