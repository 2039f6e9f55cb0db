import { App as AntApp, Button, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSetTaskState, useTasks, type Task, type TaskFilter, type TaskState } from '../../api/tasks';
import { useGroups } from '../../api/groups';
import { useSession } from '../../api/auth';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

const STATE_COLORS: Record<TaskState, string> = { open: 'red', done: 'green', dismissed: 'default' };

type Props = { filter: TaskFilter; showGroup: boolean };

/** Tasks with done / undo: used by the inbox and by a group's page. */
export function TaskTable({ filter, showGroup }: Props) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const tasks = useTasks(filter);
  const groups = useGroups();
  const setState = useSetTaskState();
  const timeZone = useSession().data?.workspace.timeZone;
  const groupNames = new Map((groups.data ?? []).map((group) => [group.id, group.name]));

  const change = (task: Task, state: TaskState) =>
    setState.mutate(
      { id: task.id, state },
      {
        onSuccess: () => {
          if (state === 'open') {
            void message.success(t('tasks.reopened'));
            return;
          }
          const key = `task-${task.id}`;
          void message.success({
            key,
            content: (
              <span>
                {state === 'done' ? t('tasks.markedDone') : t('tasks.dismissed')}{' '}
                <Button
                  type="link"
                  size="small"
                  data-testid="task-undo-toast"
                  onClick={() => {
                    message.destroy(key);
                    change(task, 'open');
                  }}
                >
                  {t('tasks.undo')}
                </Button>
              </span>
            ),
          });
        },
      },
    );

  return (
    <>
      {tasks.isError ? <PageError error={tasks.error} onRetry={() => void tasks.refetch()} /> : null}
      <Table<Task>
        data-testid="tasks-table"
        rowKey="id"
        size="small"
        loading={tasks.isPending}
        dataSource={tasks.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(task) => ({ 'data-task-state': task.state } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          {
            title: t('tasks.task'),
            dataIndex: 'title',
            render: (_v, task) => (
              <div>
                <Typography.Text strong>{task.title}</Typography.Text>
                {task.detail ? <div><Typography.Text type="secondary">{task.detail}</Typography.Text></div> : null}
              </div>
            ),
          },
          ...(showGroup
            ? [{
                title: t('tasks.group'),
                dataIndex: 'groupId',
                render: (_v: unknown, task: Task) =>
                  task.groupId ? <Link to={`/groups/${encodeURIComponent(task.groupId)}`}>{groupNames.get(task.groupId) ?? task.groupId}</Link> : '—',
              }]
            : []),
          { title: t('tasks.source'), dataIndex: 'source', width: 100 },
          { title: t('tasks.assignee'), dataIndex: 'assigneeRole', width: 100, render: (_v, task) => t(`roles.${task.assigneeRole}`) },
          { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (_v, task) => formatTime(task.createdAt, timeZone) },
          {
            title: t('common.state'),
            dataIndex: 'state',
            width: 100,
            render: (_v, task) => <Tag color={STATE_COLORS[task.state]} data-testid="task-state">{t(`tasks.${task.state}`)}</Tag>,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 170,
            render: (_v, task) => (
              <Space size="small">
                {task.state === 'open' ? (
                  <>
                    <Button size="small" type="primary" data-testid="task-done" loading={setState.isPending && setState.variables.id === task.id} onClick={() => change(task, 'done')}>
                      {t('tasks.markDone')}
                    </Button>
                    <Button size="small" onClick={() => change(task, 'dismissed')}>{t('tasks.dismiss')}</Button>
                  </>
                ) : (
                  <Button size="small" data-testid="task-undo" onClick={() => change(task, 'open')}>{t('tasks.undo')}</Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
