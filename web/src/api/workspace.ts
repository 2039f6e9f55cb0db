import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role } from './auth';
import { del, get, post } from './client';

export type ApiToken = {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

export const workspaceKeys = {
  all: ['workspace'] as const,
  tokens: () => [...workspaceKeys.all, 'tokens'] as const,
};

export function useTokens() {
  return useQuery({ queryKey: workspaceKeys.tokens(), queryFn: async () => (await get<{ items: ApiToken[] }>('/tokens')).items });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; role: Role }) => post<{ token: ApiToken; value: string }>('/tokens', input),
    onSuccess: () => client.invalidateQueries({ queryKey: workspaceKeys.tokens() }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del<void>(`/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: workspaceKeys.tokens() }),
  });
}
