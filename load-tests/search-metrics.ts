/** Ranking metrics with binary relevance, as reported by `npm run bench:search`. */

export interface LabelledQuery {
  id: string;
  query: string;
  relevant: string[];
}

export interface QueryScores {
  recall1: number;
  /** 1 when the first result is relevant: for a question with several acceptable tools, any one will do. */
  top1: number;
  /** 1 when a relevant tool is among the first three. */
  top3: number;
  recall5: number;
  recall10: number;
  mrr10: number;
  ndcg10: number;
}

/** Share of the relevant tools found in the first k results. */
export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let found = 0;
  for (const name of ranked.slice(0, k)) if (relevant.has(name)) found++;
  return found / relevant.size;
}

/** 1 when any relevant tool is among the first k results, else 0. */
export function hitAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return ranked.slice(0, k).some((name) => relevant.has(name)) ? 1 : 0;
}

/** 1 / rank of the first relevant tool within k, else 0. */
export function reciprocalRankAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const i = ranked.slice(0, k).findIndex((name) => relevant.has(name));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** nDCG@k with gains 0/1: DCG over the ideal DCG of |relevant| hits at the top. */
export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((name, i) => {
    if (relevant.has(name)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function scoreQuery(ranked: readonly string[], relevant: readonly string[]): QueryScores {
  const set = new Set(relevant);
  return {
    recall1: recallAt(ranked, set, 1),
    top1: hitAt(ranked, set, 1),
    top3: hitAt(ranked, set, 3),
    recall5: recallAt(ranked, set, 5),
    recall10: recallAt(ranked, set, 10),
    mrr10: reciprocalRankAt(ranked, set, 10),
    ndcg10: ndcgAt(ranked, set, 10),
  };
}

export function meanScores(all: readonly QueryScores[]): QueryScores {
  const sum: QueryScores = { recall1: 0, top1: 0, top3: 0, recall5: 0, recall10: 0, mrr10: 0, ndcg10: 0 };
  for (const s of all) for (const key of Object.keys(sum) as (keyof QueryScores)[]) sum[key] += s[key];
  for (const key of Object.keys(sum) as (keyof QueryScores)[]) sum[key] = all.length === 0 ? 0 : sum[key] / all.length;
  return sum;
}
