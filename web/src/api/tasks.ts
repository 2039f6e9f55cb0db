import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, patch } from './client';

export type TaskState = 'open' | 'done' | 'dismissed';

export type Task = {
  id: string;
  title: string;
  detail: string | null;
  evidence: Record<string, unknown>;
  dueAt: number | null;
  assigneeRole: 'owner' | 'admin' | 'operator' | 'assistant';
  assigneeUserId: string | null;
  state: TaskState;
  source: string;
  groupId: string | null;
  personId: string | null;
  actionId: string | null;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
  doneBy: string | null;
};

export type TaskFilter = { state?: TaskState; groupId?: string };

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  list: (filter: TaskFilter) => [...taskKeys.lists(), filter] as const,
  detail: (id: string) => [...taskKeys.all, 'detail', id] as const,
};

export function useTasks(filter: TaskFilter = {}) {
  return useQuery({
    queryKey: taskKeys.list(filter),
    queryFn: async () => (await get<{ items: Task[] }>('/tasks', { ...filter, limit: 200 })).items,
    refetchInterval: 15_000,
  });
}

export function useSetTaskState() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, state }: { id: string; state: TaskState }) => patch<Task>(`/tasks/${encodeURIComponent(id)}`, { state }),
    onSuccess: (task) => {
      client.setQueryData(taskKeys.detail(task.id), task);
      return client.invalidateQueries({ queryKey: taskKeys.lists() });
    },
  });
}
