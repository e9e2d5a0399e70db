// `patchdx draft <initial|analysis|followup|closure> [input]`: a customer e-mail draft, zh by default.

import { parseArgs } from 'node:util';
import { analyze, draft as renderDraft, withAdvice, type DraftKind } from '../../index.js';
import { FOLLOWUP_VARIANTS, type FollowupVariant } from '../../report/email.js';
import { errLine, langOption, type Io } from '../io.js';
import { safeLine } from '../../report/safe-text.js';

const KINDS: DraftKind[] = ['initial', 'analysis', 'followup', 'closure'];

export async function draftCommand(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        lang: { type: 'string' },
        case: { type: 'string' },
        customer: { type: 'string' },
        org: { type: 'string' },
        priority: { type: 'string' },
        engineer: { type: 'string' },
        contact: { type: 'string' },
        problem: { type: 'string' },
        resolution: { type: 'string' },
        cause: { type: 'string' },
        code: { type: 'string' },
        variant: { type: 'string' },
        previous: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`patchdx draft: ${safeLine((err as Error).message)}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const kind = positionals[0] as DraftKind | undefined;
  if (!kind || !KINDS.includes(kind)) {
    io.err(`patchdx draft: give the kind of e-mail: ${KINDS.join(', ')}\n`);
    return 2;
  }
  const lang = langOption(values.lang, io);
  if (!lang) return 2;
  const input = positionals[1];
  const variant = values.variant as FollowupVariant | undefined;
  if (variant && !FOLLOWUP_VARIANTS.includes(variant)) {
    io.err(`patchdx draft: --variant is one of ${FOLLOWUP_VARIANTS.join(', ')}\n`);
    return 2;
  }
  const fromParams = !!(values.problem || values.cause || values.resolution);
  if ((kind === 'analysis' || (kind === 'closure' && !fromParams)) && !input) {
    io.err(
      kind === 'closure'
        ? 'patchdx draft closure: give the logs, or the case in words (--problem, --cause, --resolution)\n'
        : 'patchdx draft analysis: give the logs to analyse (a CBS.log or a folder)\n',
    );
    return 2;
  }
  const d = input ? withAdvice(await analyze(input)) : null;
  if (d?.verdict === 'unreadable') {
    for (const x of d.diagnostics.filter((x) => x.level === 'error'))
      errLine(io, 'patchdx', x.file, x.message, x.line);
    return 2;
  }
  const draft = renderDraft(
    kind,
    d,
    {
      caseNo: values.case,
      customer: values.customer,
      org: values.org,
      priority: values.priority,
      engineer: values.engineer,
      contact: values.contact,
      problem: values.problem,
      resolution: values.resolution,
      cause: values.cause,
      code: values.code,
      variant,
      previousEngineer: values.previous,
    },
    lang,
  );
  io.out(`${lang === 'zh' ? '主题' : 'Subject'}: ${draft.subject}\n\n${draft.body}`);
  return 0;
}
