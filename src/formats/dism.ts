// dism.log (`%windir%\Logs\DISM\dism.log`): the WDS line grammar with DISM components and `PID=… TID=…`.
// Read by the same CBS line parser and engine pass as CBS.log; the format only keeps the log for it.

import { defineFormat } from './define-format.js';
import { keepServicingLog, servicingKind } from './cbs.js';

/** dism.log. */
export default defineFormat({
  id: 'dism',
  kind: 'dism',
  summary: 'dism.log (DISM servicing sessions)',
  sniff: (head) => servicingKind(head) === 'dism',
  read: (input, ctx) => keepServicingLog(input, ctx, 'dism'),
  samples: [
    {
      // Corpus dism01-appostarsi-w10-esd-source, `dism win 10.log` lines 1-12 and 17-20.
      name: 'DISM session start',
      text: [
        "2023-05-22 07:23:32, Info                  DISM   PID=10852 TID=10944 Scratch directory set to 'C:\\Windows\\TEMP\\'. - CDISMManager::put_ScratchDir",
        '2023-05-22 07:23:32, Info                  DISM   PID=10852 TID=10944 DismCore.dll version: 10.0.19041.746 - CDISMManager::FinalConstruct',
        '2023-05-22 07:23:32, Info                  DISM   Initialized Panther logging at C:\\Windows\\Logs\\DISM\\dism.log',
        '2023-05-22 07:23:32, Info                  DISM   PID=10852 TID=10944 Successfully loaded the ImageSession at "C:\\Windows\\system32\\Dism" - CDISMManager::LoadLocalImageSession',
        '2023-05-22 07:23:32, Info                  DISM   Initialized Panther logging at C:\\Windows\\Logs\\DISM\\dism.log',
        '2023-05-22 07:23:32, Info                  DISM   DISM Provider Store: PID=10852 TID=10944 Found and Initialized the DISM Logger. - CDISMProviderStore::Internal_InitializeLogger',
        '2023-05-22 07:23:32, Info                  DISM   DISM Provider Store: PID=10852 TID=10944 Failed to get and initialize the PE Provider.  Continuing by assuming that it is not a WinPE image. - CDISMProviderStore::Final_OnConnect',
        '2023-05-22 07:23:32, Info                  DISM   DISM Provider Store: PID=10852 TID=10944 Finished initializing the Provider Map. - CDISMProviderStore::Final_OnConnect',
        '2023-05-22 07:23:32, Info                  DISM   Initialized Panther logging at C:\\Windows\\Logs\\DISM\\dism.log',
        '2023-05-22 07:23:32, Info                  DISM   DISM Manager: PID=10852 TID=10944 Successfully created the local image session and provider store. - CDISMManager::CreateLocalImageSession',
        '2023-05-22 07:23:32, Info                  DISM   DISM.EXE: ',
        '2023-05-22 07:23:32, Info                  DISM   DISM.EXE: <----- Starting Dism.exe session ----->',
        '2023-05-22 07:23:32, Info                  DISM   DISM Provider Store: PID=10852 TID=10944 Connecting to the provider located at C:\\Windows\\system32\\Dism\\FolderProvider.dll. - CDISMProviderStore::Internal_LoadProvider',
        '2023-05-22 07:23:32, Info                  DISM   DISM Manager: PID=10852 TID=10944 physical location path: C:\\ - CDISMManager::CreateImageSession',
        '2023-05-22 07:23:32, Info                  DISM   DISM Manager: PID=10852 TID=10944 Event name for current DISM session is Global\\{8DEC6FBF-A2F9-4A95-AF7C-19BD5CBC745A} - CDISMManager::CheckSessionAndLock',
        '2023-05-22 07:23:32, Info                  DISM   DISM Manager: PID=10852 TID=10944 Create session event 0x218 for current DISM session and event name is Global\\{8DEC6FBF-A2F9-4A95-AF7C-19BD5CBC745A}  - CDISMManager::CheckSessionAndLock',
      ].join('\r\n'),
      expect: { logs: 1 },
    },
  ],
});
