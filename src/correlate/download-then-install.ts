// A download that failed, then an install of the same update that could not find or read its content
// (seed 004: 0x80248007 while downloading KB5032196 on 12/28, then CBS 0x80070490 installing it on 12/29
// from the incomplete cache). The install error is a consequence: clear the download cache and fetch the
// update again (or install the standalone package) before repairing anything in WinSxS.

import type { ChainLink, Finding } from '../model/types.js';
import { isContentBroken, isDownloadSide } from '../knowledge/code-classes.js';
import { codeInfo } from '../knowledge/codes.js';
import { writtenMs } from '../timeline/clock.js';
import { type CrossContext, crossFinding, showTime } from './context.js';

/** A later install counts when it starts within this long after the failed download. */
const WINDOW_MS = 14 * 24 * 3600_000;

export function downloadThenInstall(ctx: CrossContext): Finding[] {
  const out: Finding[] = [];
  const byId = new Map(ctx.attempts.map((a) => [a.id, a]));
  for (const h of ctx.histories) {
    const members = h.occurrences.flatMap((o) => o.attempts.map((id) => ({ o, a: byId.get(id)! })));
    const download = members.find(
      ({ a }) =>
        a.outcome === 'failed' &&
        (a.kind === 'download' || (a.kind === 'package' && !a.session && isDownloadSide(a.result))),
    );
    if (!download) continue;
    const t0 = writtenMs(download.a.startUtc ?? download.a.start ?? '');
    const install = members.find(
      ({ a }) =>
        a !== download.a &&
        a.kind === 'package' &&
        (a.outcome === 'failed' || a.outcome === 'retried') &&
        isContentBroken(a.result) &&
        writtenMs(a.startUtc ?? a.start ?? '') >= t0 &&
        writtenMs(a.startUtc ?? a.start ?? '') - t0 <= WINDOW_MS,
    );
    if (!install) continue;
    const d = download.a;
    const i = install.a;
    const dn = codeInfo(d.result ?? '')?.name ?? '';
    const inn = codeInfo(i.result ?? '')?.name ?? '';
    const what = h.kb ?? h.title ?? h.update;
    const chain: ChainLink[] = [
      {
        text: {
          en: `${showTime(i.startUtc ?? i.start)}: the install of ${what} failed with ${i.result} ${inn}`,
          zh: `${showTime(i.startUtc ?? i.start)}：${what} 安装失败，错误 ${i.result} ${inn}`,
        },
        code: i.result,
        evidence: i.evidence.slice(-3),
      },
    ];
    // The install's own root finding is a consequence here: fold it under this one.
    const rootOfInstall = ctx.findings.find((f) => f.root && f.attempts.includes(i.id));
    out.push(
      crossFinding({
        id: ctx.nextId(),
        rule: 'x-download-then-install-failed',
        messageId: 'partialCache',
        severity: 'error',
        confidence: 'medium',
        root: true,
        code: d.result,
        codeName: dn || null,
        message: {
          en:
            `${what} failed to download at ${showTime(d.startUtc ?? d.start)} with ${d.result} ${dn}, and the install ` +
            `that followed at ${showTime(i.startUtc ?? i.start)} failed with ${i.result} ${inn}: it most likely ran from ` +
            `an incomplete download cache. Clear SoftwareDistribution\\Download and fetch the update again (or install ` +
            `the standalone package) before repairing the component store.` +
            (rootOfInstall
              ? ` CBS's own finding (${rootOfInstall.title.en}) is the consequence to check if it persists.`
              : ''),
          zh:
            `${what} 在 ${showTime(d.startUtc ?? d.start)} 下载失败（${d.result} ${dn}），随后 ${showTime(i.startUtc ?? i.start)} ` +
            `的安装失败（${i.result} ${inn}）：安装很可能使用了不完整的下载缓存。请先清空 SoftwareDistribution\\Download ` +
            `并重新下载（或安装独立安装包），再考虑修复组件存储。` +
            (rootOfInstall
              ? `CBS 侧的发现（${rootOfInstall.title.zh}）是其后果，若重新下载后仍出现再处理。`
              : ''),
        },
        title: {
          en: 'Failed download, then a failed install from the partial cache',
          zh: '下载失败后使用不完整缓存安装失败',
        },
        facts: {
          kb: h.kb ?? undefined,
          title: h.title ?? undefined,
          downloadCode: d.result ?? undefined,
          installCode: i.result ?? undefined,
          downloadTime: showTime(d.startUtc ?? d.start),
          installTime: showTime(i.startUtc ?? i.start),
        },
        evidence: [...d.evidence.slice(-2), ...i.evidence.slice(-2)],
        chain,
        attempts: [d.id, i.id],
        time: d.startUtc ?? d.start,
      }),
    );
  }
  return out;
}
