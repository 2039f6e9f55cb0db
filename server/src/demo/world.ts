import type { GroupType } from '../modules/groups/index.js';

// The demo world: a fictional skincare brand, 澄光 (Chengguang), running
// twelve groups of the types operators plan (DOMAIN §3), named "brand + theme +
// number", and ~3,000 people whose behaviour models produce life.

export const DEMO_SLUG = 'demo';
export const DEMO_OWNER_EMAIL = 'owner@demo.local';
export const DEMO_PEOPLE = 3000;
export const DEMO_SEED = 20260105;

/** The brand's persona (人设): one nickname, avatar, signature and working hours for every staff account [001]. */
export const PERSONA = {
  brand: '澄光',
  nickname: '澄光宠粉官·小澄',
  avatarText: '澄',
  signature: '每天 9 点陪你聊护肤，敏感肌也能放心问～',
  workingHours: { start: '09:00', end: '22:00' },
  staffAccountId: 'brand-xiaocheng',
} as const;

export type Goal = 'grow' | 'sell' | 'stickiness';
export type GroupPlan = { name: string; type: GroupType; tags: string[]; goal: Goal; cycle: string; weight: number };

/** Relative sizes follow each type's role: traffic groups are big and short-lived, VIP groups small. */
export const GROUP_PLANS: readonly GroupPlan[] = [
  { name: '澄光福利引流群 1', type: 'traffic', tags: ['引流', '限时福利'], goal: 'grow', cycle: '48h', weight: 12 },
  { name: '澄光福利引流群 2', type: 'traffic', tags: ['引流', '限时福利'], goal: 'grow', cycle: '48h', weight: 12 },
  { name: '澄光新人宠粉群 1', type: 'new_user', tags: ['新人', '宠粉'], goal: 'stickiness', cycle: '7d', weight: 10 },
  { name: '澄光新人宠粉群 2', type: 'new_user', tags: ['新人', '宠粉'], goal: 'stickiness', cycle: '7d', weight: 10 },
  { name: '澄光新人宠粉群 3', type: 'new_user', tags: ['新人', '宠粉'], goal: 'stickiness', cycle: '7d', weight: 9 },
  { name: '澄光21天焕肤训练营 1', type: 'camp', tags: ['训练营', '打卡'], goal: 'stickiness', cycle: '21d', weight: 6 },
  { name: '澄光21天焕肤训练营 2', type: 'camp', tags: ['训练营', '打卡'], goal: 'stickiness', cycle: '21d', weight: 6 },
  { name: '澄光修护套装交付群 1', type: 'delivery', tags: ['交付', '已购'], goal: 'sell', cycle: '30d', weight: 7 },
  { name: '澄光铁粉VIP群 1', type: 'vip', tags: ['铁粉', 'VIP'], goal: 'stickiness', cycle: 'long-term', weight: 3 },
  { name: '澄光上海同城群 1', type: 'local', tags: ['同城', '上海'], goal: 'sell', cycle: 'long-term', weight: 8 },
  { name: '澄光杭州同城群 1', type: 'local', tags: ['同城', '杭州'], goal: 'sell', cycle: 'long-term', weight: 8 },
  { name: '澄光成都同城群 1', type: 'local', tags: ['同城', '成都'], goal: 'sell', cycle: 'long-term', weight: 8 },
];

export const MODELS = ['joiner', 'chatter', 'lurker', 'spammer', 'leaver', 'buyer'] as const;
export type Model = (typeof MODELS)[number];

/** Share of each model in the population; joiners start outside and come in over time. */
export const MODEL_WEIGHTS: Record<Model, number> = { joiner: 18, chatter: 16, lurker: 42, spammer: 3, leaver: 8, buyer: 13 };

/** Who speaks: of the messages in a tick, the share each model says (lurkers almost never, chatters most). */
export const SPEAK_WEIGHTS: Record<Model, number> = { joiner: 8, chatter: 46, lurker: 5, spammer: 4, leaver: 9, buyer: 28 };

/** Mulberry32: a small seeded PRNG, so a seed and a tick time always give the same life. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function pickWeighted<K extends string>(random: () => number, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, weight] of entries) {
    roll -= weight;
    if (roll < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡', '林', '郭', '何', '高', '罗'];
const GIVEN = ['婷', '静', '敏', '丽', '芳', '娜', '雪', '琳', '悦', '欣', '瑶', '晴', '佳', '颖', '萱', '倩', '璐', '彤', '蕾', '妍', '浩', '杰', '磊', '宇'];
const NICKS = ['Coco', 'Lily', '糖糖', '小鹿', '柚子', '橙子', '奶茶', '芋圆', '晚风', '星星', '小熊', '桃桃', '麦兜', '豆豆', '月亮', '布丁'];

export function personName(random: () => number): string {
  const style = random();
  if (style < 0.4) return `${pick(random, SURNAMES)}${pick(random, GIVEN)}${random() < 0.5 ? pick(random, GIVEN) : ''}`;
  if (style < 0.6) return `${pick(random, ['小', '阿', '老'])}${pick(random, GIVEN)}`;
  if (style < 0.85) return `${pick(random, NICKS)}${pick(random, ['', '酱', '呀', '🌸', '💫', ''])}`;
  return `${pick(random, NICKS)}${Math.floor(random() * 100)}`;
}

const LINES: Record<Model | 'hello', readonly string[]> = {
  hello: ['大家好，新人报到～', '刚进群，请多关照🙏', '朋友推荐来的，想了解下敏感肌护理', '哈喽大家好', '来领福利的😄'],
  chatter: [
    '早上好呀☀️', '今天的护肤小课太有用了', '有人试过新出的修护精华吗？', '哈哈哈同感', '我皮肤偏干，这款适合吗？',
    '宝子们晚安🌙', '精华和面霜先用哪个？', '换季脸上起皮怎么办', '昨天的直播回放在哪看呀', '收到～谢谢小澄',
    '今天打卡完成✅', '防晒每天都要涂吗？', '混油皮夏天用什么水乳', '我用了一周，毛孔真的细了', '有没有同款姐妹交流下',
  ],
  lurker: ['👍', '收到', '+1', '谢谢分享'],
  spammer: ['免费领取大牌面膜👉 http://t.cn/A6xYz', '兼职日结300，在家可做，私聊', '点击领红包 https://hb.example.cn/r/8848', '加V看更多好货：beauty8899', '低价代购专柜正品，需要的私我'],
  leaver: ['最近太忙了，消息看不过来', '群里消息有点多', '先潜水了', '已经买到了，谢谢'],
  joiner: ['请问怎么领新人券？', '刚来，想问下发货几天到', '这个群每天几点有分享？'],
  buyer: ['刚下单了两瓶！', '已拍，坐等发货📦', '上次的用完了，再来回购', '晒单：修护精华真的好用', '优惠券还有吗？想买套装', '几点开抢呀？定好闹钟了', '给我妈也买了一套'],
};

export function lineFor(random: () => number, kind: Model | 'hello'): string {
  return pick(random, LINES[kind]);
}
