import { useQuery } from '@tanstack/react-query';
import { get } from './client';

export type GroupType = 'traffic' | 'new_user' | 'camp' | 'delivery' | 'vip' | 'local' | 'other';
export const GROUP_TYPES: GroupType[] = ['traffic', 'new_user', 'camp', 'delivery', 'vip', 'local', 'other'];

export type Group = {
  id: string;
  connectorId: string;
  chatId: string;
  name: string;
  type: GroupType;
  tags: string[];
  ownerPersonId: string | null;
  state: 'active' | 'dismissed';
  memberCount: number;
  createdAt: number;
  dismissedAt: number | null;
};

export type Membership = {
  id: string;
  personId: string;
  personName: string | null;
  role: string;
  joinedAt: number;
  leftAt: number | null;
  via: string;
  inviterPersonId: string | null;
  leftReason: string | null;
  source: string;
  confidence: number;
};

export type ChatMessage = {
  id: string;
  personId: string;
  externalId: string;
  at: number;
  message: unknown;
  redacted: boolean;
};

export type GroupFilter = { type?: GroupType; tag?: string; state?: 'active' | 'dismissed' };
export type MemberView = 'current' | 'history';

export const groupKeys = {
  all: ['groups'] as const,
  lists: () => [...groupKeys.all, 'list'] as const,
  list: (filter: GroupFilter) => [...groupKeys.lists(), filter] as const,
  detail: (id: string) => [...groupKeys.all, 'detail', id] as const,
  members: (id: string, view: MemberView) => [...groupKeys.detail(id), 'members', view] as const,
  messages: (id: string) => [...groupKeys.detail(id), 'messages'] as const,
};

export function useGroups(filter: GroupFilter = {}) {
  return useQuery({
    queryKey: groupKeys.list(filter),
    queryFn: async () => (await get<{ items: Group[] }>('/groups', { ...filter, limit: 500 })).items,
  });
}

export function useGroup(id: string) {
  return useQuery({ queryKey: groupKeys.detail(id), queryFn: () => get<Group>(`/groups/${encodeURIComponent(id)}`) });
}

export function useGroupMembers(id: string, view: MemberView) {
  return useQuery({
    queryKey: groupKeys.members(id, view),
    queryFn: async () => (await get<{ items: Membership[] }>(`/groups/${encodeURIComponent(id)}/members`, { view, limit: 1000 })).items,
  });
}

export function useGroupMessages(id: string) {
  return useQuery({
    queryKey: groupKeys.messages(id),
    queryFn: async () => (await get<{ items: ChatMessage[] }>(`/groups/${encodeURIComponent(id)}/messages`, { limit: 200 })).items,
    refetchInterval: 10_000,
  });
}

/** The readable text of a message in the common format (text, or a label for other kinds). */
export function messageText(message: unknown): string {
  if (typeof message !== 'object' || message === null) return '';
  const record = message as Record<string, unknown>;
  if (typeof record.text === 'string') return record.text;
  if (Array.isArray(record.parts)) return record.parts.map(messageText).join('');
  if (typeof record.type === 'string') return `[${record.type}]`;
  return '';
}
