import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { GroupType } from '../../api/groups';

const COLORS: Record<GroupType, string> = { traffic: 'cyan', new_user: 'green', camp: 'geekblue', delivery: 'gold', vip: 'magenta', local: 'lime', other: 'default' };

type Props = { type: GroupType };

export function GroupTypeTag({ type }: Props) {
  const { t } = useTranslation();
  return <Tag color={COLORS[type]}>{t(`groups.types.${type}`)}</Tag>;
}
