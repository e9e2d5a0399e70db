// For a failed cumulative update: how far the installed build is from the update's target build and which
// prerequisites come first (seed 004: a machine at 17763.774 installing KB5032196). Added by the knowledge
// enrichment (analyze/enrich.ts) over the whole diagnosis; never a root cause.

import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'x-update-gap',
  kind: 'enrichment',
  meta: {
    severity: 'info',
    confidence: 'medium',
    root: false,
    summary: { en: 'Build level and prerequisites', zh: '版本差距与前置补丁' },
    codes: [],
    mechanism:
      'A failed attempt at a Package_for_RollupFix whose target build the knowledge tables know: the installed build (from CBS, systeminfo or captured outputs), the number of cumulative updates in between (a warning beyond twelve) and the prerequisites on record.',
    references: ['knowledge/builds.ts', 'seed 003, seed 004'],
  },
  messages: {
    gap: {
      en: 'The machine is at {{from}}; {{target}} brings {{build}}, {{between}} cumulative update(s) later. Prerequisites: {{prerequisites}}.',
      zh: '本机版本为 {{from}}；{{target}} 将升级到 {{build}}，中间相差 {{between}} 个累积更新。前置补丁：{{prerequisitesZh}}。',
    },
    prerequisites: {
      en: '{{target}} brings {{build}}. Prerequisites: {{prerequisites}}.',
      zh: '{{target}} 将升级到 {{build}}。前置补丁：{{prerequisitesZh}}。',
    },
  },
  phrases: { none: { en: 'none on record', zh: '无记录' } },
  cases: {
    valid: [
      {
        name: 'corpus cbs05: a healthy CBS.log has no failed cumulative update',
        files: { 'CBS.log': { corpus: 'cbs05-howard-healthy/CBS.log' } },
      },
    ],
    invalid: [
      {
        name: 'seed 004: a machine at 17763.774 fails KB5032196',
        files: { 'CBS.log': { fixture: 'fixtures/seeds/seed-004-not-found.log' } },
        findings: [{ messageId: 'gap', facts: { kb: 'KB5032196', installedBuild: '17763.774' } }],
      },
      {
        name: 'seed 003: the installed build is unknown; the prerequisites of the target update',
        files: { 'CBS.log': { fixture: 'fixtures/seeds/seed-003-manifest-hash.log' } },
        findings: [{ messageId: 'prerequisites' }],
      },
    ],
  },
});
