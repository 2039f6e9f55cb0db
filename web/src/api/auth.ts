import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, setCsrfToken } from './client';

export type Role = 'owner' | 'admin' | 'operator' | 'assistant' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'operator', 'assistant', 'viewer'];

export type Session = {
  user: { id: string; email: string; name: string; role: Role };
  workspace: { id: string; slug: string; name: string; timeZone: string };
  workspaces: { id: string; slug: string; name: string; role: Role }[];
  csrfToken: string;
};

export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
};

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

export function useSession() {
  return useQuery({
    queryKey: authKeys.session(),
    queryFn: async () => remember(await get<Session>('/auth/session')),
    retry: (count, error) => !(error instanceof ApiError && error.status === 401) && count < 2,
    staleTime: 60_000,
    meta: { silent: true },
  });
}

export type LoginInput = { workspace: string; email: string; password: string };

/** Login, invite acceptance and workspace switch all answer a session: the whole cache starts over. */
function useSessionMutation<I>(call: (input: I) => Promise<Session>, showsOwnErrors: boolean) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: I) => remember(await call(input)),
    onSuccess: (session) => {
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
      client.setQueryData(authKeys.session(), session);
    },
    meta: { silent: showsOwnErrors },
  });
}

/** Login and invite pages show their own (generic) refusal; a failed switch shows the server's message. */
export const useLogin = () => useSessionMutation((input: LoginInput) => post<Session>('/auth/login', input), true);
export const useAcceptInvite = () =>
  useSessionMutation((input: { token: string; name: string; password: string }) => post<Session>('/auth/accept-invite', input), true);
export const useSwitchWorkspace = () => useSessionMutation((workspaceId: string) => post<Session>('/auth/switch', { workspaceId }), false);

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => post<void>('/auth/password', input),
  });
}
