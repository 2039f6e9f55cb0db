import * as OpenCC from 'opencc-js';

// A seeded corpus for the banned-word benchmark: a word list (≥20k words,
// real evasion targets first) and chat messages in which a fifth carry a
// banned word, often written to evade a filter: spaces or symbols between the
// characters, full width, Traditional characters, the 加微信/微信号 overlap,
// V信-style variants. Same seed, same corpus, in every process.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const REAL_WORDS = [
  '加微信', '微信号', '微信', '代开发票', '刷单', '兼职日结', '赌博', '色情', '返利', '贷款', '网贷', '套现', '彩票', '博彩', '裸聊',
  '加qq', 'qq群', '私聊我', '免费领取', '扫码进群', '低价出售', '高额回报', '稳赚不赔', '内部消息', '代理招募', '日赚千元', '办证', '发票', '联系方式', '电话号码',
];

const POOL_SIZE = 3000;
const CJK_BASE = 0x4e00;

export type Corpus = { words: string[]; messages: string[] };

export function generateCorpus(options: { seed?: number; words?: number; messages?: number } = {}): Corpus {
  const random = mulberry32(options.seed ?? 20261123);
  const pick = (n: number) => Math.floor(random() * n);
  const cjk = () => String.fromCharCode(CJK_BASE + pick(POOL_SIZE));
  const wordCount = options.words ?? 20_000;
  const set = new Set<string>(REAL_WORDS);
  while (set.size < wordCount) {
    const length = 2 + pick(4);
    let word = '';
    for (let i = 0; i < length; i++) word += random() < 0.06 ? String.fromCharCode(0x61 + pick(26)) : cjk();
    set.add(word);
  }
  const words = [...set];

  const toTraditional = OpenCC.Converter({ from: 'cn', to: 'hk' });
  const symbols = [' ', '  ', '-', '.', '*', '·', '　', '！', '_', '/'];
  const spaced = (w: string) => [...w].join(symbols[pick(symbols.length)]!);
  const fullWidth = (w: string) => w.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).toUpperCase();
  const evasions: ((w: string) => string)[] = [
    (w) => w,
    spaced,
    fullWidth,
    (w) => toTraditional(w),
    () => '加微信号',
    () => ['加V信', '加 V 信', 'vx号', '薇信号', '加威信'][pick(5)]!,
    (w) => spaced(toTraditional(w)),
  ];
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789，。！？ ~@#';
  const chatter = (length: number) => {
    let text = '';
    for (let i = 0; i < length; i++) text += random() < 0.85 ? cjk() : filler[pick(filler.length)];
    return text;
  };
  const messages: string[] = new Array(options.messages ?? 1_000_000);
  for (let m = 0; m < messages.length; m++) {
    let text = chatter(6 + pick(40));
    if (random() < 0.2) {
      const word = random() < 0.5 ? REAL_WORDS[pick(REAL_WORDS.length)]! : words[pick(words.length)]!;
      const at = pick(text.length + 1);
      text = text.slice(0, at) + evasions[pick(evasions.length)]!(word) + text.slice(at);
    }
    messages[m] = text;
  }
  return { words, messages };
}
