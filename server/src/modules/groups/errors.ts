import { defineErrors } from '../../kernel/errors.js';

export const groupErrors = defineErrors({
  groupNotFound: { code: 'group_not_found', status: 404, zh: '找不到该社群', en: 'No such group' },
  ownerNotFound: { code: 'group_owner_not_found', status: 404, zh: '群主不是本企业的客户', en: 'The owner is not a person of this workspace' },
});
