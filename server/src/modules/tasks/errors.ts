import { defineErrors } from '../../kernel/errors.js';

export const taskErrors = defineErrors({
  taskNotFound: { code: 'task_not_found', status: 404, zh: '找不到该待办', en: 'No such task' },
  groupNotFound: { code: 'task_group_not_found', status: 404, zh: '本企业没有该社群', en: 'No such group in this workspace' },
  personNotFound: { code: 'task_person_not_found', status: 404, zh: '本企业没有该客户', en: 'No such person in this workspace' },
});
