import { useEffect } from 'react';
import { Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { GROUP_TYPES, useGroups, type GroupType } from '../../api/groups';
import {
  BEHAVIOUR_CHECKS, REPLY_MODES, useCreateRule, useUpdateRule,
  type BehaviourCheck, type BehaviourConfig, type ReplyConfig, type ReplyMode, type Rule, type RuleInput, type RuleKind, type Scope, type WelcomeConfig,
} from '../../api/guard';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** The editor's flat form: every kind's fields, seconds and hours instead of milliseconds. */
type RuleForm = {
  name: string;
  enabled: boolean;
  priority: number;
  groupTypes: GroupType[];
  groupTags: string[];
  groupIds: string[];
  template: string;
  windowSeconds: number;
  maxNames: number;
  skipRejoin: boolean;
  mode: ReplyMode;
  patterns: string[];
  answers: string;
  replyIn: 'group' | 'private';
  mention: boolean;
  cooldownSeconds: number;
  check: BehaviourCheck;
  count: number;
  behaviourWindowSeconds: number;
  newMemberHours: number;
  allowHosts: string[];
};

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toForm(kind: RuleKind, rule: Rule | null, defaultTemplate: string): RuleForm {
  const c = rule?.config ?? {};
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    priority: rule?.priority ?? 100,
    groupTypes: rule?.scope.groupTypes ?? [],
    groupTags: rule?.scope.groupTags ?? [],
    groupIds: rule?.scope.groupIds ?? [],
    template: typeof c.template === 'string' ? c.template : defaultTemplate,
    windowSeconds: num(c.windowMs, 60 * SECOND) / SECOND,
    maxNames: num(c.maxNames, 5),
    skipRejoin: c.skipRejoin === true,
    mode: (kind === 'reply' && typeof c.mode === 'string' ? c.mode : 'contains') as ReplyMode,
    patterns: strings(c.patterns),
    answers: strings(c.answers).join('\n'),
    replyIn: c.replyIn === 'private' ? 'private' : 'group',
    mention: c.mention !== false,
    cooldownSeconds: num(c.cooldownMs, 60 * SECOND) / SECOND,
    check: (typeof c.check === 'string' ? c.check : 'link') as BehaviourCheck,
    count: num(c.count, 5),
    behaviourWindowSeconds: num(c.windowMs, 10 * SECOND) / SECOND,
    newMemberHours: num(c.newMemberMs, 24 * HOUR) / HOUR,
    allowHosts: strings(c.allowHosts),
  };
}

function toInput(kind: RuleKind, v: RuleForm, previous: Rule | null): RuleInput {
  const scope: Scope = { groupTypes: v.groupTypes, groupTags: v.groupTags, groupIds: v.groupIds };
  const base = { name: v.name.trim(), enabled: v.enabled, priority: v.priority, scope };
  if (kind === 'welcome') {
    const attachments = Array.isArray(previous?.config.attachments) ? previous.config.attachments : [];
    const config: WelcomeConfig = { template: v.template, attachments, windowMs: Math.round(v.windowSeconds * SECOND), maxNames: v.maxNames, skipRejoin: v.skipRejoin };
    return { kind, ...base, config };
  }
  if (kind === 'reply') {
    const answers = v.answers.split('\n').map((a) => a.trim()).filter((a) => a.length > 0);
    const config: ReplyConfig = { mode: v.mode, patterns: v.patterns, answers, replyIn: v.replyIn, mention: v.mention, cooldownMs: Math.round(v.cooldownSeconds * SECOND) };
    return { kind, ...base, config };
  }
  const config: BehaviourConfig = {
    check: v.check, count: v.count, windowMs: Math.round(v.behaviourWindowSeconds * SECOND), newMemberMs: Math.round(v.newMemberHours * HOUR), allowHosts: v.allowHosts,
  };
  return { kind, ...base, config };
}

type Props = { kind: RuleKind; open: boolean; rule: Rule | null; onClose: () => void };

/** Create or edit one rule; the server checks it again (an unsafe regex answers with its reason). */
export function RuleEditor({ kind, open, rule, onClose }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RuleForm>();
  const create = useCreateRule();
  const update = useUpdateRule();
  const groups = useGroups();
  const check = Form.useWatch('check', form);
  useEffect(() => {
    if (open) form.setFieldsValue(toForm(kind, rule, t('guard.welcome.defaultTemplate')));
  }, [open, rule, kind, form, t]);

  const save = (values: RuleForm) => {
    const input = toInput(kind, values, rule);
    const done = { onSuccess: () => onClose() };
    if (rule) update.mutate({ ruleId: rule.id, change: { name: input.name, enabled: input.enabled, priority: input.priority, scope: input.scope, config: input.config } }, done);
    else create.mutate(input, done);
  };
  const required = [{ required: true, message: t('login.required') }];

  return (
    <Modal
      open={open}
      width={680}
      title={rule ? t('guard.rule.edit') : t('guard.rule.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending || update.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'guard-rule-save' } as Record<string, string>}
      forceRender
    >
      <Form<RuleForm> form={form} layout="vertical" onFinish={save} data-testid="guard-rule-form">
        <Form.Item name="name" label={t('guard.rule.name')} rules={[...required, { max: 100 }]}>
          <Input data-testid="guard-rule-name" />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="priority" label={t('guard.rule.priority')} tooltip={t('guard.rule.priorityHelp')}>
            <InputNumber min={0} max={1_000_000} />
          </Form.Item>
          <Form.Item name="enabled" label={t('guard.rule.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </div>
        <Form.Item label={t('guard.rule.scope')} extra={t('guard.rule.scopeAll')} style={{ marginBottom: 8 }}>
          <div style={{ display: 'flex', gap: 8 }}>
            <Form.Item name="groupTypes" noStyle>
              <Select mode="multiple" style={{ flex: 1 }} placeholder={t('guard.rule.groupTypes')} options={GROUP_TYPES.map((type) => ({ value: type, label: t(`groups.types.${type}`) }))} />
            </Form.Item>
            <Form.Item name="groupTags" noStyle>
              <Select mode="tags" style={{ flex: 1 }} placeholder={t('guard.rule.groupTags')} open={false} />
            </Form.Item>
            <Form.Item name="groupIds" noStyle>
              <Select mode="multiple" style={{ flex: 1 }} placeholder={t('guard.rule.groups')} optionFilterProp="label" options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))} />
            </Form.Item>
          </div>
        </Form.Item>

        {kind === 'welcome' ? (
          <>
            <Form.Item name="template" label={t('guard.welcome.template')} extra={t('guard.welcome.templateHelp')} rules={[...required, { max: 1000 }]}>
              <Input.TextArea rows={3} data-testid="guard-welcome-template" />
            </Form.Item>
            <div style={{ display: 'flex', gap: 16 }}>
              <Form.Item name="windowSeconds" label={t('guard.welcome.window')} tooltip={t('guard.welcome.windowHelp')}>
                <InputNumber min={0} max={600} />
              </Form.Item>
              <Form.Item name="maxNames" label={t('guard.welcome.maxNames')}>
                <InputNumber min={1} max={20} />
              </Form.Item>
              <Form.Item name="skipRejoin" label={t('guard.welcome.skipRejoin')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </div>
          </>
        ) : null}

        {kind === 'reply' ? (
          <>
            <Form.Item name="mode" label={t('guard.reply.mode')}>
              <Select options={REPLY_MODES.map((mode) => ({ value: mode, label: t(`guard.reply.modes.${mode}`) }))} />
            </Form.Item>
            <Form.Item name="patterns" label={t('guard.reply.patterns')} extra={t('guard.reply.patternsHelp')} rules={[{ required: true, type: 'array', min: 1, message: t('login.required') }]}>
              <Select mode="tags" open={false} tokenSeparators={[',', '，']} data-testid="guard-reply-patterns" />
            </Form.Item>
            <Form.Item name="answers" label={t('guard.reply.answers')} extra={t('guard.reply.answersHelp')} rules={required}>
              <Input.TextArea rows={3} data-testid="guard-reply-answers" />
            </Form.Item>
            <div style={{ display: 'flex', gap: 16 }}>
              <Form.Item name="replyIn" label={t('guard.reply.replyIn')}>
                <Select style={{ width: 140 }} options={(['group', 'private'] as const).map((where) => ({ value: where, label: t(`guard.reply.in.${where}`) }))} />
              </Form.Item>
              <Form.Item name="mention" label={t('guard.reply.mention')} valuePropName="checked">
                <Switch />
              </Form.Item>
              <Form.Item name="cooldownSeconds" label={t('guard.reply.cooldown')} tooltip={t('guard.reply.cooldownHelp')}>
                <InputNumber min={0} max={86_400} />
              </Form.Item>
            </div>
          </>
        ) : null}

        {kind === 'behaviour' ? (
          <>
            <Form.Item name="check" label={t('guard.behaviour.check')}>
              <Select options={BEHAVIOUR_CHECKS.map((c) => ({ value: c, label: t(`guard.behaviour.checks.${c}`) }))} />
            </Form.Item>
            {check === 'flood' || check === 'spam_wave' ? (
              <div style={{ display: 'flex', gap: 16 }}>
                <Form.Item name="count" label={t('guard.behaviour.count')}>
                  <InputNumber min={2} max={1000} />
                </Form.Item>
                <Form.Item name="behaviourWindowSeconds" label={t('guard.behaviour.window')}>
                  <InputNumber min={1} max={86_400} />
                </Form.Item>
              </div>
            ) : null}
            {check === 'new_member_link' ? (
              <Form.Item name="newMemberHours" label={t('guard.behaviour.newMemberHours')}>
                <InputNumber min={1} max={720} />
              </Form.Item>
            ) : null}
            {check === 'link' || check === 'new_member_link' ? (
              <Form.Item name="allowHosts" label={t('guard.behaviour.allowHosts')} extra={t('guard.behaviour.allowHostsHelp')}>
                <Select mode="tags" open={false} />
              </Form.Item>
            ) : null}
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
