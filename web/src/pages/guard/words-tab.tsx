import { useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, List, Modal, Popconfirm, Segmented, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import {
  WORD_CATEGORIES, useCreateWordList, useDeleteWordList, useImportWords, useUpdateWordList, useWordList, useWordLists,
  type ImportProblem, type WordCategory, type WordImport, type WordList,
} from '../../api/guard';
import { localized } from '../../i18n';
import { PageError } from '../../components/page-error';
import { TryMessageBox } from './try-box';

/** Banned-word lists (违禁词库) by category, with import and the try box. */
export function WordsTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const lists = useWordLists();
  const update = useUpdateWordList();
  const remove = useDeleteWordList();
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState<WordList | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t('guard.tabs.words')} extra={<Button type="primary" onClick={() => setCreating(true)} data-testid="guard-words-create">{t('guard.words.create')}</Button>}>
        {lists.isError ? <PageError error={lists.error} onRetry={() => void lists.refetch()} /> : null}
        <Table<WordList>
          data-testid="guard-words-table"
          rowKey="id"
          size="small"
          loading={lists.isPending}
          dataSource={lists.data ?? []}
          pagination={false}
          columns={[
            { title: t('guard.rule.name'), dataIndex: 'name' },
            { title: t('guard.words.category'), dataIndex: 'category', render: (_v, list) => <Tag color="red">{t(`guard.words.categories.${list.category}`)}</Tag> },
            { title: t('guard.words.count'), dataIndex: 'wordCount' },
            { title: t('guard.rule.hits'), dataIndex: 'hits', render: (_v, list) => <Tag color={list.hits > 0 ? 'blue' : 'default'}>{list.hits}</Tag> },
            {
              title: t('guard.rule.enabled'),
              dataIndex: 'enabled',
              render: (_v, list) => <Switch size="small" checked={list.enabled} onChange={(enabled) => update.mutate({ listId: list.id, change: { enabled } })} />,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_v, list) => (
                <Space size={4}>
                  <Button size="small" onClick={() => setViewing(list.id)}>{t('guard.words.view')}</Button>
                  <Button size="small" onClick={() => setImporting(list)} data-testid="guard-words-import">{t('guard.words.import')}</Button>
                  <Popconfirm title={t('guard.words.deleteConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => remove.mutate(list.id, { onSuccess: () => void message.success(t('guard.words.deleted')) })}>
                    <Button size="small" danger>{t('guard.rule.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <TryMessageBox />
      <CreateListModal open={creating} onClose={() => setCreating(false)} />
      <ImportModal list={importing} onClose={() => setImporting(null)} />
      <WordsModal listId={viewing} onClose={() => setViewing(null)} />
    </Space>
  );
}

type CreateForm = { name: string; category: WordCategory; words: string };

function CreateListModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateForm>();
  const create = useCreateWordList();
  return (
    <Modal open={open} title={t('guard.words.create')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={create.isPending} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form<CreateForm>
        form={form}
        layout="vertical"
        initialValues={{ category: 'ads', words: '' }}
        onFinish={(values) => {
          const words = [...new Set(values.words.split('\n').map((w) => w.trim()).filter((w) => w.length > 0))];
          create.mutate({ name: values.name.trim(), category: values.category, words }, { onSuccess: () => { form.resetFields(); onClose(); } });
        }}
      >
        <Form.Item name="name" label={t('guard.rule.name')} rules={[{ required: true, max: 100, message: t('login.required') }]}><Input /></Form.Item>
        <Form.Item name="category" label={t('guard.words.category')}>
          <Select options={WORD_CATEGORIES.map((c) => ({ value: c, label: t(`guard.words.categories.${c}`) }))} />
        </Form.Item>
        <Form.Item name="words" label={t('guard.words.words')} extra={t('guard.words.wordsHelp')}><Input.TextArea rows={5} /></Form.Item>
      </Form>
    </Modal>
  );
}

function problemsOf(error: unknown): ImportProblem[] {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return [];
  const problems = (error.details as { problems?: unknown }).problems;
  return Array.isArray(problems)
    ? problems.filter((p): p is ImportProblem => typeof p === 'object' && p !== null && typeof (p as ImportProblem).line === 'number' && typeof (p as ImportProblem).reason === 'string')
    : [];
}

/** Text or CSV import; a refused import lists each bad line (nothing is imported then). */
function ImportModal({ list, onClose }: { list: WordList | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const importWords = useImportWords();
  const [content, setContent] = useState('');
  const [format, setFormat] = useState<WordImport['format']>('text');
  const [mode, setMode] = useState<WordImport['mode']>('append');
  const fileInput = useRef<HTMLInputElement>(null);
  const close = () => {
    setContent('');
    importWords.reset();
    onClose();
  };
  const problems = problemsOf(importWords.error);
  const lines = content.split(/\r?\n/);
  const run = () => {
    if (!list || !content.trim()) return;
    importWords.mutate(
      { listId: list.id, input: { content, format, mode } },
      {
        onSuccess: (result) => {
          void message.success(t('guard.words.imported', { imported: result.imported, count: result.wordCount }));
          close();
        },
      },
    );
  };
  return (
    <Modal open={list !== null} width={640} title={`${t('guard.words.importTitle')} · ${list?.name ?? ''}`} okText={t('guard.words.import')} cancelText={t('common.cancel')} confirmLoading={importWords.isPending} onCancel={close} onOk={run} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <span>{t('guard.words.format')}</span>
          <Segmented<WordImport['format']> value={format} onChange={setFormat} options={(['text', 'csv'] as const).map((f) => ({ value: f, label: t(`guard.words.formats.${f}`) }))} />
          <span>{t('guard.words.mode')}</span>
          <Segmented<WordImport['mode']> value={mode} onChange={setMode} options={(['append', 'replace'] as const).map((m) => ({ value: m, label: t(`guard.words.modes.${m}`) }))} />
          <input
            ref={fileInput}
            type="file"
            hidden
            accept=".txt,.csv,text/plain,text/csv"
            data-testid="guard-import-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) {
                if (file.name.toLowerCase().endsWith('.csv')) setFormat('csv');
                void file.text().then(setContent);
              }
            }}
          />
          <Button size="small" onClick={() => fileInput.current?.click()}>{t('guard.words.file')}</Button>
        </Space>
        <Input.TextArea rows={8} value={content} onChange={(e) => setContent(e.target.value)} placeholder={t('guard.words.contentHelp')} data-testid="guard-import-content" />
        <Typography.Text type="secondary">{t('guard.words.contentHelp')}</Typography.Text>
        {importWords.isError ? (
          <Alert
            type="error"
            showIcon
            data-testid="guard-import-errors"
            title={importWords.error instanceof ApiError ? localized(importWords.error.localized) : String(importWords.error)}
            description={
              problems.length > 0 ? (
                <div>
                  <div>{t('guard.words.badLines', { count: problems.length })}</div>
                  <List
                    size="small"
                    style={{ maxHeight: 200, overflow: 'auto' }}
                    dataSource={problems}
                    renderItem={(p) => (
                      <List.Item>
                        {t('guard.words.line', { line: p.line })}：<Typography.Text code>{lines[p.line - 1] ?? ''}</Typography.Text> — {p.reason}
                      </List.Item>
                    )}
                  />
                </div>
              ) : null
            }
          />
        ) : null}
      </Space>
    </Modal>
  );
}

function WordsModal({ listId, onClose }: { listId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const list = useWordList(listId);
  return (
    <Modal open={listId !== null} title={list.data?.name ?? t('guard.words.words')} footer={<Button onClick={onClose}>{t('common.close')}</Button>} onCancel={onClose} destroyOnHidden>
      {list.isError ? <PageError error={list.error} /> : null}
      <div style={{ maxHeight: 400, overflow: 'auto' }}>
        {(list.data?.words ?? []).slice(0, 2000).map((word) => <Tag key={word} style={{ marginBottom: 4 }}>{word}</Tag>)}
      </div>
    </Modal>
  );
}
