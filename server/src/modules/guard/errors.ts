import { defineErrors } from '../../kernel/errors.js';

export const guardErrors = defineErrors({
  ruleNotFound: { code: 'rule_not_found', status: 404, zh: '找不到该规则', en: 'No such rule' },
  wordListNotFound: { code: 'wordlist_not_found', status: 404, zh: '找不到该词库', en: 'No such word list' },
  violationNotFound: { code: 'violation_not_found', status: 404, zh: '找不到该违规记录', en: 'No such violation' },
  groupNotFound: { code: 'group_not_found', status: 404, zh: '找不到该社群', en: 'No such group' },
  badConfig: { code: 'guard_rule_invalid', status: 400, zh: '规则配置不合法', en: 'The rule configuration is not valid' },
  unsafeRegex: { code: 'guard_regex_unsafe', status: 400, zh: '正则表达式不合法或可能导致灾难性回溯', en: 'The regular expression is invalid or could backtrack catastrophically' },
  badImport: { code: 'guard_import_invalid', status: 400, zh: '导入内容有错误行，未导入任何词', en: 'The import has bad lines; nothing was imported' },
  notAWelcomeRule: { code: 'guard_not_welcome_rule', status: 400, zh: '只有欢迎语规则可以预览', en: 'Only welcome rules have a preview' },
  alreadyPardoned: { code: 'guard_already_pardoned', status: 409, zh: '该违规已被撤销', en: 'This violation was already pardoned' },
});
