// SetupDiag's results (SetupDiagResults.log, text form): the matched profile, the error, last phase and
// operation. Before setupact in the registry: its lines are not setupact's grammar, but a head may hold both.

import { detectSetupDiag, setupDiagLine } from '../parse/setupact.js';
import { defineFormat } from './define-format.js';
import { readSetupLog } from './setup-common.js';

/** SetupDiagResults.log. */
export default defineFormat({
  id: 'setupdiag',
  kind: 'setup',
  summary: "SetupDiagResults.log: SetupDiag's verdict on a failed upgrade",
  sniff: (head) => detectSetupDiag(head.lines),
  read: (input, ctx) => readSetupLog(input, ctx, setupDiagLine),
  samples: [
    {
      // Corpus setup01-appostarsi-upgrade-80070570, SetupDiagResults.log lines 1-4 and 27-30.
      name: 'rollback failure',
      text: [
        '',
        'Matching Profile found: FindRollbackFailure - 3A43C9B5-05B3-4F7C-A955-88F991BB5A48',
        'SetupDiag version: 1.6.2107.27002',
        'System Information:',
        'Error: SetupDiag reports rollback failure found.',
        'Last Phase = Safe OS',
        'Last Operation = Apply WIM file PathForNewOSFile, index 6 to D:\\$WINDOWS.~BT\\NewOS',
        'Error = 0x8007000D-0x2000C',
      ].join('\r\n'),
      expect: { setupRecords: 5 },
    },
  ],
});
