import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Spin } from 'antd';
import { ApiError } from '../api/client';
import { useSession } from '../api/auth';
import { PageError } from '../components/page-error';

type Props = { children: ReactNode };

/** Pages behind login: no session → /login?next=<this page>, and back after login. */
export function RequireSession({ children }: Props) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Spin size="large" style={{ display: 'block', marginTop: '20vh' }} />;
  if (session.isError) {
    if (session.error instanceof ApiError && session.error.status === 401) {
      const next = location.pathname + location.search;
      return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
    }
    return <div style={{ padding: 24 }}><PageError error={session.error} onRetry={() => void session.refetch()} /></div>;
  }
  return <>{children}</>;
}
