// The "similar past cases" of a page: the case store's search (imported threads and the desk's closed cases)
// as the web pages list them — outcome, the step that fixed it, days to closure and why — in the page's
// language. A desk case links to its page; an imported thread has none here.

import { similarCases, similarLines, type CaseStore, type Diagnosis, type Lang } from '../index.js';
import type { SimilarCase } from './pages/diagnosis.js';

export async function similarForPage(store: CaseStore, d: Diagnosis, lang: Lang): Promise<SimilarCase[]> {
  const r = await similarCases(store, { diagnoses: [d] });
  if (r.none) return [];
  return r.results.map((c) => {
    const [head = '', why = ''] = similarLines({ ...r, results: [c], feedback: [] }, d, lang);
    const number = c.caseNumber ?? c.id;
    return {
      number,
      score: c.score,
      summary: `${head.slice(head.indexOf(' — ') + 3)} · ${why.trim()}`,
      url: c.source === 'desk' ? `/cases/${encodeURIComponent(number)}` : null,
    };
  });
}
