import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { get, withQuery } from './client';

export type LiveEvent = {
  id: string;
  type: 'member.joined' | 'member.left' | 'message' | 'action';
  at: number;
  groupId: string;
  groupName: string;
  personId?: string;
  personName?: string;
  text?: string;
  actionKind?: string;
  actionState?: string;
};

export const liveKeys = {
  all: ['live'] as const,
  recent: (groupId: string | undefined) => [...liveKeys.all, 'recent', groupId ?? '*'] as const,
};

export function useRecentLive(groupId: string | undefined) {
  return useQuery({
    queryKey: liveKeys.recent(groupId),
    queryFn: async () => (await get<{ items: LiveEvent[] }>('/live/recent', { groupId, limit: 200 })).items,
    staleTime: Infinity,
  });
}

export type StreamState = 'connecting' | 'open' | 'closed';

/**
 * Subscribes to the SSE stream; calls onEvent for each `live` event. The
 * browser's EventSource reconnects by itself; the state shows whether it is up.
 */
export function useLiveStream(groupId: string | undefined, onEvent: (event: LiveEvent) => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    const source = new EventSource(withQuery('/api/v1/live/stream', { groupId }), { withCredentials: true });
    setState('connecting');
    source.onopen = () => setState('open');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const listener = (message: MessageEvent<string>) => {
      try {
        onEvent(JSON.parse(message.data) as LiveEvent);
      } catch {
        // a malformed event is skipped; the stream goes on
      }
    };
    source.addEventListener('live', listener);
    return () => {
      source.removeEventListener('live', listener);
      source.close();
    };
  }, [groupId, onEvent]);
  return state;
}
