// Evasion variants as data: how people write a word to slip past a filter.
// Each canonical form lists spellings that mean it; a banned word containing
// the canonical form is also matched in each variant spelling (expanded when
// the matcher is built). Keys and variants are given in normalised form
// (lower case, no spaces). One table for every workspace: editing it per
// workspace is not built yet.

export type VariantTable = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_VARIANTS: VariantTable = {
  微信: ['v信', 'vx', 'wx', '薇信', '威信', '微x', 'w信', '徽信', '卫信', 'weixin', 'wechat'],
  加微: ['加v', '加薇'],
  qq: ['扣扣', '企鹅号'],
  电话: ['dianhua', '电h'],
  手机: ['手j'],
  兼职: ['兼z', 'jianzhi'],
  赌博: ['du博', '赌bo'],
  色情: ['se情'],
};
