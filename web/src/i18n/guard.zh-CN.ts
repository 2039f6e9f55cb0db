// The guard's (群守护) console strings, zh-CN. English twin: guard.en.ts.
export const guardZhCN = {
  title: '群守护',
  tabs: { welcome: '入群欢迎语', replies: '关键词回复', words: '违禁词库', behaviour: '行为规则', policy: '处罚阶梯', violations: '违规记录', blacklist: '黑名单' },
  stats: { rules: '规则', hits: '命中', violations: '违规（30 天）', pardoned: '已撤销', blacklisted: '黑名单人数', lastHit: '最近命中' },
  rule: {
    create: '新建规则', edit: '编辑规则', name: '名称', enabled: '启用', priority: '优先级', priorityHelp: '数字越小越先执行；关键词回复先命中者生效',
    scope: '适用社群', scopeAll: '全部社群', groupTypes: '群类型', groupTags: '群标签', groups: '指定社群', deleteConfirm: '确定删除此规则？', deleted: '规则已删除', saved: '规则已保存',
    delete: '删除', config: '规则内容', hits: '命中次数', noHits: '尚未命中',
  },
  welcome: {
    template: '欢迎语模板', templateHelp: '可用变量：{nickname}（新成员，@ 提及）{group}（群名）{members}（群人数）{count}（本批入群人数）',
    window: '合并窗口（秒）', windowHelp: '窗口内入群的人合并为一条欢迎语；不会超过平台的欢迎时限', maxNames: '最多列出人数', skipRejoin: '再次入群的人不欢迎',
    preview: '预览', previewNames: '示例昵称（逗号分隔）', previewRun: '生成预览', previewEmpty: '填入示例昵称后点击预览', defaultTemplate: '欢迎 {nickname} 加入{group}！有护肤问题随时问小澄～',
  },
  reply: {
    mode: '匹配方式', modes: { exact: '完全一致', contains: '包含', any: '包含任一', all: '包含全部', regex: '正则' }, patterns: '关键词', patternsHelp: '输入后回车，可多个；会先做全半角、大小写、繁简和插入符号的归一化',
    answers: '回复内容', answersHelp: '每行一条；多条时随机选一条', replyIn: '回复位置', in: { group: '群内', private: '私聊' }, mention: '引用并 @ 提问者', cooldown: '冷却时间（秒）', cooldownHelp: '同一规则在同一群内，冷却期内只回复一次',
  },
  behaviour: {
    check: '检查项', checks: { link: '链接', new_member_link: '新成员发链接', miniprogram: '小程序卡片', qrcode: '二维码图片', contact: '手机号 / 微信号', mention_all: '滥用 @所有人', flood: '刷屏', spam_wave: '跨群重复发送' },
    count: '条数 / 群数', window: '时间窗口（秒）', newMemberHours: '新成员时长（小时）', allowHosts: '允许的域名', allowHostsHelp: '品牌自己的网站等，输入后回车',
  },
  words: {
    create: '新建词库', category: '分类', categories: { ads: '广告', abuse: '辱骂', porn: '色情', politics: '政治', fraud: '诈骗', custom: '自定义' }, count: '词数', words: '词条',
    import: '导入', importTitle: '导入词条', content: '内容', contentHelp: '文本：每行一个词，# 开头为注释；CSV：取第一列，表头 word 会跳过', format: '格式', formats: { text: '文本', csv: 'CSV' },
    mode: '方式', modes: { append: '追加', replace: '替换' }, imported: '已导入 {{imported}} 个词，词库共 {{count}} 个', badLines: '有 {{count}} 行有误，未导入任何词：', line: '第 {{line}} 行', deleteConfirm: '确定删除此词库？', deleted: '词库已删除', saved: '词库已保存',
    wordsHelp: '每行一个词', view: '查看词条', file: '选择文件',
  },
  try: {
    title: '试一试', placeholder: '输入一条消息，看看会发生什么', run: '试一试', group: '在哪个群说（可选）', anyGroup: '任意社群', nothing: '这条消息不会触发任何规则',
    normalised: '归一化后', exempt: '发送者免检（员工、群管理或白名单）', hits: '命中', escalation: '处罚：第 {{offence}} 次违规', cannot: '平台不支持，将生成待办',
    reply: '自动回复：规则「{{name}}」', coolingDown: '冷却中，这次不会回复', replyIn: '回复位置', word: '违禁词', behaviourHit: '行为',
  },
  policy: {
    title: '处罚阶梯（三次请出）', isDefault: '当前使用默认阶梯（种子 000）：第 1 次私聊提醒，第 2 次公开提醒并禁言 24 小时，第 3 次移出群并拉黑。', groupType: '适用群类型', allTypes: '默认（全部类型）',
    step: '第 {{n}} 次违规', actions: { warn: '私聊提醒', notice: '群内公开提醒', mute: '禁言', kick: '移出群', blacklist: '拉黑' }, muteHours: '禁言时长（小时）', decayDays: '违规记录有效期（天）',
    recall: '撤回违规消息（平台支持时）', warnText: '私聊提醒文案', noticeText: '公开提醒文案', textHelp: '变量：{nickname} {reason} {offence}', addStep: '添加一级', removeStep: '删除', addPolicy: '为某类群单独设置', saved: '处罚阶梯已保存',
  },
  violations: {
    person: '成员', group: '社群', source: '来源', sources: { word: '违禁词', behaviour: '行为' }, category: '分类', offence: '第几次', actions: '处理', at: '时间', evidence: '证据',
    pardon: '撤销', pardonConfirm: '撤销后这次违规不再计入阶梯，确定？', pardoned: '已撤销', pardonedDone: '已撤销该违规', outcomes: { queued: '已执行', task: '转为待办', done: '已完成' }, text: '消息内容',
  },
  blacklist: {
    person: '成员', reason: '原因', source: '来源', at: '拉黑时间', by: '操作人', unban: '解除', unbanConfirm: '解除后此人可以再次入群，确定？', unbanned: '已解除拉黑', removedAt: '解除时间',
    states: { active: '生效中', removed: '已解除', all: '全部' },
  },
} as const;
