import { useQuery } from '@tanstack/react-query';
import { get } from './client';

export type Connector = {
  id: string;
  platform: string;
  name: string;
  profile: string | null;
  state: string;
  createdAt: number;
  capabilities: Record<string, unknown>;
  health: 'ok' | 'not_running' | 'starting' | 'failing';
  healthDetail?: string | null;
};

export type Account = {
  id: string;
  connectorId: string;
  externalId: string;
  name: string;
  kind: 'staff' | 'bot';
  isDefault: boolean;
  createdAt: number;
};

export const connectorKeys = {
  all: ['connectors'] as const,
  list: () => [...connectorKeys.all, 'list'] as const,
  accounts: (id: string) => [...connectorKeys.all, 'accounts', id] as const,
};

export function useConnectors() {
  return useQuery({
    queryKey: connectorKeys.list(),
    queryFn: async () => (await get<{ items: Connector[] }>('/connectors')).items,
    refetchInterval: 30_000,
  });
}

export function useConnectorAccounts(id: string) {
  return useQuery({
    queryKey: connectorKeys.accounts(id),
    queryFn: async () => (await get<{ items: Account[] }>(`/connectors/${encodeURIComponent(id)}/accounts`)).items,
  });
}
