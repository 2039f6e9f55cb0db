import { useState } from 'react';
import { Card, Segmented, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TaskState } from '../../api/tasks';
import { TaskTable } from './task-table';

type View = TaskState | 'all';

export function TaskInboxPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<View>('open');
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('tasks.title')}</Typography.Title>}
      extra={
        <Segmented<View>
          data-testid="task-filter"
          value={view}
          onChange={setView}
          options={[
            { value: 'open', label: t('tasks.open') },
            { value: 'done', label: t('tasks.done') },
            { value: 'dismissed', label: t('tasks.dismissed') },
            { value: 'all', label: t('common.all') },
          ]}
        />
      }
    >
      <TaskTable filter={view === 'all' ? {} : { state: view }} showGroup />
    </Card>
  );
}
