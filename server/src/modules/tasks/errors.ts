import { defineErrors } from '../../kernel/errors.js';

export const taskErrors = defineErrors({
  taskNotFound: { code: 'task_not_found', status: 404, zh: '找不到该待办', en: 'No such task' },
});
