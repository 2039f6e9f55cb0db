import { createBrowserRouter, Navigate, Outlet, useNavigate, useRouteError } from 'react-router';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Providers } from './providers';
import { RequireSession } from './require-session';
import { ConsoleLayout } from './layout';
import { LoginPage } from '../pages/auth/login-page';
import { InvitePage } from '../pages/auth/invite-page';
import { LivePage } from '../pages/live/live-page';
import { GroupListPage } from '../pages/groups/group-list-page';
import { GroupDetailPage } from '../pages/groups/group-detail-page';
import { TaskInboxPage } from '../pages/tasks/task-inbox-page';
import { GuardPage } from '../pages/guard/guard-page';
import { ConnectorsPage } from '../pages/settings/connectors-page';
import { StaffPage } from '../pages/settings/staff-page';
import { TokensPage } from '../pages/settings/tokens-page';
import { NotFound } from '../components/page-error';

function Root() {
  return (
    <Providers>
      <Outlet />
    </Providers>
  );
}

function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  return (
    <Result
      status="error"
      title={t('errors.page')}
      subTitle={error instanceof Error ? error.message : String(error)}
      extra={<Button type="primary" onClick={() => window.location.assign('/')}>{t('errors.goHome')}</Button>}
    />
  );
}

function NotFoundRoute() {
  const navigate = useNavigate();
  return <NotFound onHome={() => void navigate('/live')} />;
}

export const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/invite/:token', element: <InvitePage /> },
      {
        element: (
          <RequireSession>
            <ConsoleLayout />
          </RequireSession>
        ),
        errorElement: <RouteError />,
        children: [
          { index: true, element: <Navigate to="/live" replace /> },
          { path: '/live', element: <LivePage /> },
          { path: '/groups', element: <GroupListPage /> },
          { path: '/groups/:id', element: <GroupDetailPage /> },
          { path: '/tasks', element: <TaskInboxPage /> },
          { path: '/guard', element: <Navigate to="/guard/welcome" replace /> },
          { path: '/guard/:tab', element: <GuardPage /> },
          { path: '/settings', element: <Navigate to="/settings/connectors" replace /> },
          { path: '/settings/connectors', element: <ConnectorsPage /> },
          { path: '/settings/staff', element: <StaffPage /> },
          { path: '/settings/tokens', element: <TokensPage /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
]);
