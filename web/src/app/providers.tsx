import { useMemo, useState, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCNLocale from 'antd/locale/zh_CN';
import enUSLocale from 'antd/locale/en_US';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authKeys } from '../api/auth';
import { localized } from '../i18n';

type Props = { children: ReactNode };

/** antd theme and locale follow the chosen language. */
export function Providers({ children }: Props) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUSLocale : zhCNLocale} theme={{ token: { colorPrimary: '#0f766e' } }}>
      <AntApp>
        <QueryLayer>{children}</QueryLayer>
      </AntApp>
    </ConfigProvider>
  );
}

function isSilent(meta: Record<string, unknown> | undefined): boolean {
  return meta?.silent === true;
}

/**
 * The query cache, with one error policy: a 401 sends the operator to the login
 * page remembering where they were; any other API error shows its zh/en message.
 */
function QueryLayer({ children }: Props) {
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [here] = useState(() => ({ current: '' }));
  here.current = location.pathname + location.search;

  const client = useMemo(() => {
    const onError = (error: unknown, silent: boolean) => {
      // Silent calls (the session probe, login) handle their own errors.
      if (silent) return;
      if (error instanceof ApiError && error.status === 401) {
        if (!here.current.startsWith('/login') && !here.current.startsWith('/invite')) {
          queryClient.removeQueries({ queryKey: authKeys.session() });
          void navigate(`/login?next=${encodeURIComponent(here.current)}&expired=1`, { replace: true });
        }
        return;
      }
      const text = error instanceof ApiError ? localized(error.localized) : error instanceof Error ? error.message : String(error);
      void message.error(text);
    };
    const queryClient: QueryClient = new QueryClient({
      queryCache: new QueryCache({ onError: (error, query) => onError(error, isSilent(query.meta)) }),
      mutationCache: new MutationCache({ onError: (error, _v, _c, mutation) => onError(error, isSilent(mutation.meta)) }),
      defaultOptions: {
        queries: {
          retry: (count, error) => !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
          refetchOnWindowFocus: false,
        },
      },
    });
    return queryClient;
  }, [message, navigate, here]);

  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
