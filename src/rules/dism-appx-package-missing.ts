// Provisioning an app package (`/Add-ProvisionedAppxPackage`) fails because the package file is not where the
// command says (0x80070003 ERROR_PATH_NOT_FOUND / 0x80070002 ERROR_FILE_NOT_FOUND): the Appx provider logs
// `Failed to open '<path>'`. Often a driver installer provisioning its control-panel app from its own
// DriverStore folder, which lacks the file (corpus dism01-03 line 16: NVIDIA's NVCPL appx). An
// app-provisioning problem, not Windows corruption.

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { dismCommandOf } from './rule-helpers.js';

const NOT_FOUND = ['0x80070003', '0x80070002'];
const APPX_RESULT = /CAppxManager::ExecuteCmdLine\(hr:(0x[0-9a-fA-F]{8})\)/;
const OPEN_FAILED = /Failed to open '([^']+)'/;
const PACKAGE_PATH = /\/PackagePath:("[^"]+"|\S+)/i;

export default defineRule({
  id: 'dism-appx-package-missing',
  meta: {
    severity: 'warning',
    confidence: 'high',
    codes: NOT_FOUND,
    summary: {
      en: 'App package to provision is missing',
      zh: '要预配的应用包不存在',
    },
    falsePositives: ['A missing file of another DISM provider: only the Appx provider’s own result counts.'],
    references: ['corpus dism01/dism03 lines 16-133, dism02 lines 22-61'],
  },
  triggers: { codes: NOT_FOUND },
  messages: {
    missing: {
      en: 'Provisioning the app package {{path}} failed ({{code}} {{codeName}}): the file is not there. An app-provisioning problem, not Windows corruption: put the package back or reinstall what provisions it{{driverNote}}.',
      zh: '预配应用包 {{path}} 失败（{{code}} {{codeName}}）：该文件不存在。这是应用预配问题，并非 Windows 损坏：请恢复该包文件，或重新安装负责预配它的软件{{driverNoteZh}}。',
    },
  },
  create(ctx) {
    let final: LogEntry | null = null;
    return {
      entry(e) {
        if (!final && e.component === 'DISM' && APPX_RESULT.test(e.message)) final = e;
      },
      end() {
        const run = dismCommandOf(ctx.entries);
        if (!final || !run || !/\/add-provisionedappxpackage\b/i.test(run.command)) return;
        const { entry: command, command: cmd } = run;
        const at = ctx.indexOf(final);
        const detail = ctx.entries
          .slice(0, at)
          .find((e) => e.component === 'DISM' && OPEN_FAILED.test(e.lines.join('\n')));
        const path =
          (detail ? OPEN_FAILED.exec(detail.lines.join('\n'))?.[1] : undefined) ??
          PACKAGE_PATH.exec(cmd)?.[1]?.replace(/^"|"$/g, '') ??
          cmd;
        const driver = /\\DriverStore\\FileRepository\\([^\\]+)/i.exec(path)?.[1];
        ctx.report({
          messageId: 'missing',
          data: {
            path,
            driverNote: driver ? ` (it lies in the driver package ${driver}: reinstall that driver)` : '',
            driverNoteZh: driver ? `（该文件位于驱动程序包 ${driver} 中：请重新安装该驱动程序）` : '',
          },
          facts: { path, ...(driver ? { driverPackage: driver } : {}) },
          code: APPX_RESULT.exec(final.message)![1]!.toLowerCase(),
          evidence: [command, ...(detail ? [detail] : []), final],
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a missing driver file of the Driver Manager is not an app package',
        log: `2023-05-22 07:20:00, Info                  DISM   DISM.EXE: Executing command line: dism /online /add-driver /driver:C:\\drivers\\x.inf
2023-05-22 07:20:01, Error                 DISM   DISM Driver Manager: PID=9 TID=10 Error, file not found 'x.inf'. - CDriverManager::OpenPackageByFile(hr:0x80070002)
2023-05-22 07:20:01, Error                 DISM   DISM Driver Manager: PID=9 TID=10 Failed processing command add-driver - CDriverManager::ExecuteCmdLine(hr:0x80070002)`,
      },
    ],
    invalid: [
      {
        name: "corpus dism03: a driver's control-panel app is missing from its DriverStore folder",
        log: `> 2023-05-22 07:23:32, Info                  DISM   DISM.EXE: Executing command line: C:\\Windows\\system32\\Dism.exe /online /add-provisionedappxpackage /packagepath:C:\\Windows\\System32\\DriverStore\\FileRepository\\nv_dispig.inf_amd64_ee20464bb4ac57f4\\NVCPL\\d7bda1d24bbf4a8aad193fd20c874609.appx /LicensePath:C:\\Windows\\System32\\DriverStore\\FileRepository\\nv_dispig.inf_amd64_ee20464bb4ac57f4\\NVCPL\\d7bda1d24bbf4a8aad193fd20c874609_License1.xml /Region:all
2023-05-22 07:23:32, Warning               DISM   DISM Provider Store: PID=9448 TID=9728 Failed to load the provider: C:\\Windows\\TEMP\\33F33A59-D7D1-44AB-AAA3-40C70C649A67\\PEProvider.dll. - CDISMProviderStore::Internal_GetProvider(hr:0x8007007e)
> 2023-05-22 07:23:32, Error                 DISM   DISM Appx Provider: PID=9448 TID=9728 onecore\\admin\\appmodel\\utilities\\provisionhelper\\msixpackageadapter.cpp(1352)\\AppxProvider.dll!00007FFDF14B73D1: (caller: 00007FFDF14ACE63) ReturnHr(1) tid(2600) 80070003 The system cannot find the path specified
>     Msg:[Failed to open 'C:\\Windows\\System32\\DriverStore\\FileRepository\\nv_dispig.inf_amd64_ee20464bb4ac57f4\\NVCPL\\d7bda1d24bbf4a8aad193fd20c874609.appx'.]
>  - CAppxManager::ResultLoggingCallback
2023-05-22 07:23:32, Error                 DISM   DISM Appx Provider: PID=9448 TID=9728 Failed to add Appx package - CAppxManager::ProcessCommandAddAllUserAppxPackage(hr:0x80070003)
> 2023-05-22 07:23:32, Error                 DISM   DISM Appx Provider: PID=9448 TID=9728 Failed processing command to add Appx package - CAppxManager::ExecuteCmdLine(hr:0x80070003)`,
        findings: [
          {
            messageId: 'missing',
            facts: {
              path: 'C:\\Windows\\System32\\DriverStore\\FileRepository\\nv_dispig.inf_amd64_ee20464bb4ac57f4\\NVCPL\\d7bda1d24bbf4a8aad193fd20c874609.appx',
              driverPackage: 'nv_dispig.inf_amd64_ee20464bb4ac57f4',
            },
            code: '0x80070003',
          },
        ],
      },
    ],
  },
});
