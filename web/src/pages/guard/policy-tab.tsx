import { useEffect } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { GROUP_TYPES } from '../../api/groups';
import { LADDER_ACTIONS, usePolicies, useReplacePolicies, type LadderAction, type Policy } from '../../api/guard';
import { PageError } from '../../components/page-error';

const HOUR = 3600_000;

type StepForm = { actions: LadderAction[]; muteHours: number };
type PolicyForm = Omit<Policy, 'steps'> & { steps: StepForm[] };

function toForm(policy: Policy): PolicyForm {
  return { ...policy, steps: policy.steps.map((s) => ({ actions: s.actions, muteHours: s.muteMs / HOUR })) };
}

function toPolicy(form: PolicyForm): Policy {
  return { ...form, steps: form.steps.map((s) => ({ actions: s.actions, muteMs: Math.max(60_000, Math.round(s.muteHours * HOUR)) })) };
}

/** The escalation ladder (三次请出): the workspace default and any per group type. */
export function PolicyTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const policies = usePolicies();
  const replace = useReplacePolicies();
  const [form] = Form.useForm<{ items: PolicyForm[] }>();
  useEffect(() => {
    if (policies.data) form.setFieldsValue({ items: policies.data.items.map(toForm) });
  }, [policies.data, form]);
  const typeOptions = [{ value: '*', label: t('guard.policy.allTypes') }, ...GROUP_TYPES.map((type) => ({ value: type, label: t(`groups.types.${type}`) }))];
  const actionOptions = LADDER_ACTIONS.map((a) => ({ value: a, label: t(`guard.policy.actions.${a}`) }));

  return (
    <Card size="small" title={t('guard.policy.title')} extra={<Button type="primary" loading={replace.isPending} onClick={() => form.submit()} data-testid="guard-policy-save">{t('common.save')}</Button>}>
      {policies.isError ? <PageError error={policies.error} onRetry={() => void policies.refetch()} /> : null}
      {policies.data?.isDefault ? <Alert type="info" showIcon title={t('guard.policy.isDefault')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={(values) => replace.mutate(values.items.map(toPolicy), { onSuccess: () => void message.success(t('guard.policy.saved')) })}>
        <Form.List name="items">
          {(policyFields, policyOps) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {policyFields.map((policyField) => (
                <Card
                  key={policyField.key}
                  size="small"
                  type="inner"
                  data-testid="guard-policy"
                  title={
                    <Form.Item name={[policyField.name, 'groupType']} noStyle>
                      <Select style={{ width: 200 }} options={typeOptions} aria-label={t('guard.policy.groupType')} />
                    </Form.Item>
                  }
                  extra={policyFields.length > 1 ? <Button size="small" danger onClick={() => policyOps.remove(policyField.name)}>{t('guard.policy.removeStep')}</Button> : null}
                >
                  <Form.List name={[policyField.name, 'steps']}>
                    {(stepFields, stepOps) => (
                      <>
                        {stepFields.map((stepField, index) => (
                          <Space key={stepField.key} align="baseline" wrap>
                            <span style={{ display: 'inline-block', width: 110 }}>{t('guard.policy.step', { n: index + 1 })}</span>
                            <Form.Item name={[stepField.name, 'actions']} rules={[{ required: true, type: 'array', min: 1, message: t('login.required') }]}>
                              <Select mode="multiple" style={{ minWidth: 320 }} options={actionOptions} />
                            </Form.Item>
                            <Form.Item name={[stepField.name, 'muteHours']} label={t('guard.policy.muteHours')} style={{ marginBottom: 0 }}>
                              <InputNumber min={0.02} max={720} />
                            </Form.Item>
                            {stepFields.length > 1 ? <MinusCircleOutlined onClick={() => stepOps.remove(stepField.name)} aria-label={t('guard.policy.removeStep')} /> : null}
                          </Space>
                        ))}
                        {stepFields.length < 10 ? (
                          <Button size="small" icon={<PlusOutlined />} onClick={() => stepOps.add({ actions: ['warn'], muteHours: 24 })}>{t('guard.policy.addStep')}</Button>
                        ) : null}
                      </>
                    )}
                  </Form.List>
                  <Space wrap style={{ marginTop: 12 }}>
                    <Form.Item name={[policyField.name, 'decayDays']} label={t('guard.policy.decayDays')}>
                      <InputNumber min={1} max={365} />
                    </Form.Item>
                    <Form.Item name={[policyField.name, 'recall']} label={t('guard.policy.recall')} valuePropName="checked">
                      <Switch />
                    </Form.Item>
                  </Space>
                  <Form.Item name={[policyField.name, 'warnText']} label={t('guard.policy.warnText')} extra={t('guard.policy.textHelp')} rules={[{ required: true, max: 500 }]}>
                    <Input.TextArea rows={2} />
                  </Form.Item>
                  <Form.Item name={[policyField.name, 'noticeText']} label={t('guard.policy.noticeText')} rules={[{ required: true, max: 500 }]}>
                    <Input.TextArea rows={2} />
                  </Form.Item>
                </Card>
              ))}
              {policyFields.length < 10 && policies.data ? (
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => policyOps.add({ ...toForm(policies.data.items[0]!), groupType: GROUP_TYPES.find((type) => !form.getFieldValue('items')?.some((p: PolicyForm) => p.groupType === type)) ?? 'other' })}
                >
                  {t('guard.policy.addPolicy')}
                </Button>
              ) : null}
            </Space>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}
