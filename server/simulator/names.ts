import type { Rng } from './prng.ts';

/**
 * Agent names for the demo floor: mostly Chinese names, some English given names with a
 * pinyin surname, as is common on floors in Shanghai. Every name is made up.
 */
const SURNAMES_ZH = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '萧', '田', '董', '潘', '袁', '蒋', '蔡', '余'];
const GIVEN_ZH = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '婷', '雪', '欣怡', '子轩', '浩然', '梓涵', '宇', '晨', '佳琪', '琳', '鑫', '倩', '颖', '斌', '辉', '健', '红梅', '慧', '思远', '嘉怡', '文博', '雨桐', '志强', '晓燕', '海燕', '俊杰', '丹', '凯'];
const SURNAMES_PINYIN = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Lin', 'He', 'Gao', 'Guo', 'Ma', 'Luo', 'Zheng', 'Tang', 'Shen', 'Lu'];
const GIVEN_EN = ['Emily', 'Kevin', 'Grace', 'Jason', 'Vivian', 'Eric', 'Lily', 'Jack', 'Cindy', 'Tony', 'Amy', 'Leo', 'Sophia', 'Daniel', 'Iris', 'Frank', 'Helen', 'Peter', 'Coco', 'Alan', 'Judy', 'Michael', 'Sunny', 'Vincent', 'Echo', 'Ryan', 'Tina', 'Oscar', 'Wendy', 'Bruce'];

/** `count` distinct names; about a third are English given name + pinyin surname. */
export function makeNames(rng: Rng, count: number): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  while (names.length < count) {
    const name = rng.chance(0.35)
      ? `${rng.pick(GIVEN_EN)} ${rng.pick(SURNAMES_PINYIN)}`
      : `${rng.pick(SURNAMES_ZH)}${rng.pick(GIVEN_ZH)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return names;
}
