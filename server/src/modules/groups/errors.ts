import { defineErrors } from '../../kernel/errors.js';

export const groupErrors = defineErrors({
  groupNotFound: { code: 'group_not_found', status: 404, zh: '找不到该社群', en: 'No such group' },
});
