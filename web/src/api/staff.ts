import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role } from './auth';
import { get, patch, post } from './client';

export type StaffUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
};

export type Invite = { token: string; url: string; expiresAt: number };

export const staffKeys = {
  all: ['staff'] as const,
  list: () => [...staffKeys.all, 'list'] as const,
};

export function useStaff() {
  return useQuery({ queryKey: staffKeys.list(), queryFn: async () => (await get<{ items: StaffUser[] }>('/staff')).items });
}

export function useInviteStaff() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) => post<Invite>('/staff/invites', input),
    onSuccess: () => client.invalidateQueries({ queryKey: staffKeys.all }),
  });
}

export function useUpdateStaff() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...change }: { id: string; role?: Role; disabled?: boolean }) => patch<StaffUser>(`/staff/${encodeURIComponent(id)}`, change),
    onSuccess: () => client.invalidateQueries({ queryKey: staffKeys.all }),
  });
}
