import { guardZhCN } from './guard.zh-CN';

export const zhCN = {
  app: { name: '群运', tagline: '社群运营平台' },
  common: {
    loading: '加载中…', empty: '暂无数据', cancel: '取消', save: '保存', confirm: '确定', close: '关闭', refresh: '刷新',
    yes: '是', no: '否', all: '全部', actions: '操作', createdAt: '创建时间', name: '名称', role: '角色', state: '状态', never: '从未',
    copy: '复制', back: '返回', comingSoon: '即将推出', retry: '重试',
  },
  roles: { owner: '所有者', admin: '管理员', operator: '运营', assistant: '助理', viewer: '只读' },
  nav: {
    live: '实时动态', groups: '社群', tasks: '待办', members: '客户', channels: '渠道活码', guard: '群守护',
    content: '素材与话术', sop: 'SOP', broadcasts: '群发', engagement: '互动', fission: '裂变', journeys: '用户旅程',
    commerce: '转化', analytics: '数据分析', settings: '设置', connectors: '连接器', staff: '员工', tokens: 'API 令牌',
  },
  header: { workspace: '企业', language: '语言', changePassword: '修改密码', logout: '退出登录', loggedOut: '已退出登录' },
  login: {
    title: '登录群运', workspace: '企业标识', workspacePlaceholder: '例如 demo', email: '邮箱', password: '密码', submit: '登录',
    invalid: '企业、邮箱或密码不正确', throttled: '尝试次数过多，请 {{seconds}} 秒后再试', throttledNoTime: '尝试次数过多，请稍后再试',
    required: '请填写此项', expired: '登录已过期，请重新登录',
  },
  invite: {
    title: '接受邀请', intro: '设置您的姓名和密码，加入工作区。', name: '姓名', password: '密码（至少 8 位）', submit: '加入',
    invalid: '邀请无效或已过期',
  },
  password: {
    title: '修改密码', current: '当前密码', next: '新密码（至少 8 位）', repeat: '再次输入新密码', mismatch: '两次输入的密码不一致',
    tooShort: '密码至少 8 位', done: '密码已修改，其他设备上的登录已退出',
  },
  live: {
    title: '实时动态', group: '按社群筛选', allGroups: '全部社群', connected: '实时连接中', connecting: '正在连接…', closed: '连接已断开',
    joins: '入群', leaves: '退群', messages: '消息', actions: '动作', activeGroups: '活跃社群', perMinute: '每分钟消息数',
    waiting: '等待群里的新动态…', joined: '加入了群', left: '退出了群', action: '动作', someone: '有人',
    type: { 'member.joined': '入群', 'member.left': '退群', message: '消息', action: '动作' },
  },
  groups: {
    title: '社群', type: '群类型', tags: '标签', memberCount: '成员数', allTypes: '全部类型', dismissed: '已解散', active: '正常',
    types: { traffic: '引流群', new_user: '新用户群', camp: '训练营', delivery: '交付群', vip: '铁粉群', local: '同城群', other: '其他' },
    notFound: '找不到该社群',
  },
  group: {
    members: '成员', transcript: '聊天记录', tasks: '待办', current: '当前成员', history: '入退群记录', person: '成员', joinedAt: '入群时间',
    leftAt: '退群时间', via: '入群方式', leftReason: '退群原因', stillIn: '仍在群内', at: '时间', text: '内容', redacted: '（内容已清除）',
    created: '建群时间', chatId: '平台群 ID',
  },
  tasks: {
    title: '待办', open: '待处理', done: '已完成', dismissed: '已忽略', markDone: '完成', undo: '撤销', dismiss: '忽略', source: '来源',
    task: '事项', group: '社群', due: '截止', markedDone: '已标记完成', reopened: '已撤销，重新待处理', assignee: '负责角色',
  },
  connectors: {
    title: '连接器', platform: '平台', profile: '模拟配置', health: '健康', ok: '正常', not_running: '未运行', capabilities: '能力',
    accounts: '发送账号', kind: '类型', default: '默认', externalId: '外部 ID', kinds: { staff: '员工号', bot: '机器人' },
    kick: '踢人', mute: '禁言', announce: '群公告', readGroupMessages: '读取群消息',
    starting: '启动中', failing: '异常', degrades: '该平台降级的功能', allAutomatic: '全部自动执行',
    degradesHelp: '该平台无法自动执行的守卫与 SOP 功能：转为带证据的员工任务，或无法执行。',
    features: { keywordReply: '关键词回复', moderation: '违禁词 / 三次请出', warning: '私聊提醒', mute: '禁言', kick: '移出群聊', recall: '撤回违规消息', announce: '群公告', rename: '修改群名', inviteLinks: '命名邀请链接' },
    outcomes: { staffTask: '员工任务', unavailable: '不支持', skipped: '跳过' },
  },
  staff: {
    title: '员工', email: '邮箱', disabled: '已停用', enabled: '启用', lastLogin: '最近登录', invite: '邀请员工', inviteSend: '生成邀请链接',
    inviteReady: '邀请链接已生成（{{time}} 前有效），请发给对方：', roleChanged: '角色已更新', disabledChanged: '已更新', account: '账号状态',
  },
  tokens: {
    title: 'API 令牌', create: '新建令牌', lastUsed: '最近使用', revoked: '已吊销', active: '有效', revoke: '吊销', revokeConfirm: '确定吊销此令牌？使用它的程序将无法访问。',
    created: '令牌已创建', secretOnce: '请立即复制：此令牌只显示这一次。', revokedDone: '令牌已吊销',
  },
  guard: guardZhCN,
  errors: { title: '出错了', page: '页面出错了', notFound: '页面不存在', goHome: '回到首页' },
} as const;
