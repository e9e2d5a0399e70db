// Panther setup logs: setupact.log, setuperr.log, setupact_rollback.log (the WDS line grammar with setup
// components: MOUPG, SP, CONX, PANTHR…). Before CBS in the registry: they share its grammar.

import { detectSetupact, parseSetupLine } from '../parse/setupact.js';
import { defineFormat } from './define-format.js';
import { readSetupLog } from './setup-common.js';

/** setupact.log and its siblings. */
export default defineFormat({
  id: 'setupact',
  kind: 'setup',
  summary: 'Panther setup logs: setupact.log, setuperr.log, setupact_rollback.log',
  sniff: (head) => detectSetupact(head.lines),
  read: (input, ctx) => readSetupLog(input, ctx, parseSetupLine),
  samples: [
    {
      // Corpus setup01-appostarsi-upgrade-80070570, setupact.log lines 1-8.
      name: 'SetupHost start',
      text: [
        '2023-05-23 00:21:30, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize: ModulePath             = [C:\\$WINDOWS.~BT\\Sources]',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize: WorkingPath            = [C:\\$WINDOWS.~BT\\Sources]',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize: LoggingPath            = [C:\\$WINDOWS.~BT\\Sources\\Panther]',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize: MediaPath              = [I:]',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize: InstallFilePath        = [I:\\Sources\\Install.wim]',
        '2023-05-23 00:21:30, Info                  MOUPG  SetupHost::Initialize: ActionListFilePath     = []',
      ].join('\r\n'),
    },
  ],
});
