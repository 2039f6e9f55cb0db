import type { QunyunApp } from '../app.js';
import type { Principal } from '../kernel/http/principal.js';
import { DEFAULT_POLICY, type RuleInput } from '../modules/guard/schema.js';

// The demo's starter guard (群守护), written once with the world: a merged
// welcome, FAQ answers for the brand's frequent questions, an ads / abuse word
// list that the spammers' lines trip, behaviour rules, and seed 000's
// three-strike ladder. Operators see it all on the console's guard pages.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const all = { groupIds: [], groupTypes: [], groupTags: [] };

export const DEMO_WELCOME = '欢迎 {nickname} 加入{group}🎉 我是小澄～新人券在群公告里，干皮、油皮、敏感肌的问题都可以问我。现在群里有 {members} 位姐妹啦！';

type Faq = { name: string; mode: 'contains' | 'any' | 'all'; patterns: string[]; answers: string[] };

/** The questions the demo's people actually ask (world.ts LINES), answered in the persona's voice. */
export const DEMO_FAQ: readonly Faq[] = [
  { name: '新人券怎么领', mode: 'any', patterns: ['新人券', '新人优惠'], answers: ['新人券在群公告第一条的链接里领取，满 199 减 30，7 天内有效哦～', '点群公告里的「新人礼」就能领券啦，有问题随时@小澄～'] },
  { name: '发货时间', mode: 'any', patterns: ['发货', '几天到', '物流'], answers: ['下单后 48 小时内发货，江浙沪一般次日达，其他地区 2–4 天到～'] },
  { name: '每日分享时间', mode: 'all', patterns: ['几点', '分享'], answers: ['每晚 8 点小澄在群里分享护肤小课，周末还有直播答疑～'] },
  { name: '直播回放', mode: 'any', patterns: ['直播回放', '回放'], answers: ['直播回放在群公告的「往期回放」里，7 天内都能看～'] },
  { name: '护肤顺序', mode: 'any', patterns: ['先用哪个', '护肤顺序', '先后顺序'], answers: ['顺序是：洁面 → 水 → 精华 → 乳液/面霜 → 白天再加防晒。质地从稀到稠就对啦～'] },
  { name: '防晒', mode: 'contains', patterns: ['防晒'], answers: ['防晒每天都要涂，阴天和室内靠窗也有紫外线；出门前 15 分钟涂，户外 2–3 小时补一次～'] },
  { name: '肤质适配', mode: 'any', patterns: ['适合吗', '敏感肌', '皮肤偏干', '混油皮'], answers: ['每个人肤质不同，把你的肤质和最近的困扰发给小澄，帮你一对一搭配～'] },
  { name: '优惠券', mode: 'any', patterns: ['优惠券', '有券吗'], answers: ['本周套装券：满 299 减 60，群公告置顶链接领取，数量有限～'] },
  { name: '开抢时间', mode: 'all', patterns: ['几点', '开抢'], answers: ['今晚 8 点准时开抢，提前加购哦⏰'] },
  { name: '售后与过敏', mode: 'any', patterns: ['退货', '过敏', '售后'], answers: ['收到 7 天内未拆封可无理由退；用后不适请先停用，私聊小澄发照片，我们马上跟进～'] },
];

export const DEMO_ADS_WORDS = ['兼职', '日结', '加V', '代购', '领红包', '免费领取', '刷单', '返利', '加微信', '私聊有惊喜'];
export const DEMO_ABUSE_WORDS = ['傻逼', '骗子', '滚出去', '垃圾产品', '去死'];

export async function seedDemoGuard(app: QunyunApp, principal: Principal): Promise<void> {
  const rules: RuleInput[] = [
    { kind: 'welcome', name: '新人欢迎（合并）', enabled: true, priority: 100, scope: all, config: { template: DEMO_WELCOME, attachments: [], windowMs: MINUTE, maxNames: 5, skipRejoin: false } },
    ...DEMO_FAQ.map(
      (faq, i): RuleInput => ({
        kind: 'reply',
        name: faq.name,
        enabled: true,
        priority: 100 + i * 10,
        scope: all,
        config: { mode: faq.mode, patterns: faq.patterns, answers: faq.answers, replyIn: 'group', mention: true, cooldownMs: 10 * MINUTE },
      }),
    ),
    { kind: 'behaviour', name: '新人 24 小时内禁发链接', enabled: true, priority: 100, scope: all, config: { check: 'new_member_link', count: 5, windowMs: 10_000, newMemberMs: 24 * HOUR, allowHosts: ['chengguang.example.com'] } },
    { kind: 'behaviour', name: '刷屏（10 秒 5 条）', enabled: true, priority: 110, scope: all, config: { check: 'flood', count: 5, windowMs: 10_000, newMemberMs: 24 * HOUR, allowHosts: [] } },
    { kind: 'behaviour', name: '跨群重复发送', enabled: true, priority: 120, scope: all, config: { check: 'spam_wave', count: 3, windowMs: 10 * MINUTE, newMemberMs: 24 * HOUR, allowHosts: [] } },
    { kind: 'behaviour', name: '留手机号 / 微信号', enabled: true, priority: 130, scope: all, config: { check: 'contact', count: 5, windowMs: 10_000, newMemberMs: 24 * HOUR, allowHosts: [] } },
  ];
  for (const rule of rules) await app.guard.createRule(principal, rule);
  await app.guard.createWordList(principal, { name: '广告引流', category: 'ads', enabled: true, words: DEMO_ADS_WORDS });
  await app.guard.createWordList(principal, { name: '辱骂', category: 'abuse', enabled: true, words: DEMO_ABUSE_WORDS });
  await app.guard.replacePolicies(principal, [DEFAULT_POLICY]);
}
