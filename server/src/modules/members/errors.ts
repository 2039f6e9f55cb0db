import { defineErrors } from '../../kernel/errors.js';

export const memberErrors = defineErrors({
  personNotFound: { code: 'person_not_found', status: 404, zh: '找不到该客户', en: 'No such person' },
});
