// Provisioning an app package (`/Add-ProvisionedAppxPackage`) fails with 0xc1570118 because an equal or
// higher version of the same package family is already provisioned in the image. The app's provisioning
// conflicts; Windows itself is fine (docs/domain.md §7). The package full names the Appx provider logs
// (`Name_Version_Arch_ResourceId_PublisherId`) give both versions when they are there.

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { DISM_RESULT as RESULT, dismCommandOf } from './rule-helpers.js';

const CONFLICT = '0xc1570118';
// A package full name: `Microsoft.DesktopAppInstaller_1.22.10861.0_neutral_~_8wekyb3d8bbwe` (resource id may be
// empty or `~`), or the file a package path names, which often carries the same parts.
const FULL_NAME =
  /([A-Za-z0-9][A-Za-z0-9.-]*)_(\d+(?:\.\d+){1,3})_(?:[a-z0-9]+)_[^_\s'"\]\\]*_([a-z0-9]{13})\b/gi;
const PACKAGE_PATH = /\/PackagePath:("[^"]+"|\S+)/i;

interface Version {
  family: string;
  name: string;
  version: string;
}

function namesIn(text: string): Version[] {
  return [...text.matchAll(FULL_NAME)].map((m) => ({
    family: `${m[1]!}_${m[3]!}`.toLowerCase(),
    name: m[1]!,
    version: m[2]!,
  }));
}

export default defineRule({
  id: 'dism-appx-version-conflict',
  meta: {
    severity: 'warning',
    confidence: 'high',
    codes: [CONFLICT],
    summary: {
      en: 'App provisioning conflict: an equal or higher version is already provisioned',
      zh: '应用预配冲突：已预配相同或更高版本',
    },
    falsePositives: ['None known: the code is specific to app provisioning.'],
    references: ['docs/domain.md §7', 'MS Learn: Add-AppxProvisionedPackage / DISM app package servicing'],
  },
  triggers: { codes: [CONFLICT] },
  messages: {
    conflict: {
      en: 'Provisioning {{package}} version {{version}} failed ({{code}}): version {{provisionedVersion}} of that app is already provisioned, and DISM does not provision an equal or lower version over it. An app-provisioning conflict, not a Windows problem: keep the provisioned version, or remove it first (Remove-AppxProvisionedPackage / dism /Remove-ProvisionedAppxPackage) and provision the version you want.',
      zh: '预配 {{package}} 版本 {{version}} 失败（{{code}}）：该应用的 {{provisionedVersion}} 版本已经预配，DISM 不会用相同或更低的版本覆盖它。这是应用预配冲突，并非 Windows 的问题：保留已预配的版本，或先删除它（Remove-AppxProvisionedPackage / dism /Remove-ProvisionedAppxPackage）再预配所需版本。',
    },
    conflictOneVersion: {
      en: 'Provisioning {{package}} failed ({{code}}): an equal or higher version of that app is already provisioned (the log does not name it). An app-provisioning conflict, not a Windows problem: list what is provisioned (dism /Get-ProvisionedAppxPackages), then keep that version or remove it before provisioning this one.',
      zh: '预配 {{package}} 失败（{{code}}）：该应用已预配相同或更高的版本（日志未给出其版本）。这是应用预配冲突，并非 Windows 的问题：先列出已预配的应用（dism /Get-ProvisionedAppxPackages），再决定保留该版本或删除后预配当前版本。',
    },
  },
  create(ctx) {
    let final: LogEntry | null = null;
    return {
      entry(e) {
        if (!final && e.component === 'DISM' && RESULT.test(e.message)) final = e;
      },
      end() {
        const run = dismCommandOf(ctx.entries);
        if (!final || !run) return;
        const { entry: command, command: cmd } = run;
        const at = ctx.indexOf(final);
        // The provider's own lines before the result: the one carrying the code names the packages.
        const detail = ctx.entries
          .slice(0, at)
          .find((e) => e.component === 'DISM' && /c1570118/i.test(e.lines.join('\n')));
        const path = PACKAGE_PATH.exec(cmd)?.[1]?.replace(/^"|"$/g, '') ?? '';
        const wanted = namesIn(path)[0];
        const named = detail ? namesIn(detail.lines.join('\n')) : [];
        const mine = wanted ?? named[0];
        const other = named.find((v) => v.family === mine?.family && v.version !== mine?.version);
        const fileName = path.split('\\').pop() ?? path;
        const evidence = [command, ...(detail ? [detail] : []), final];
        if (mine && other) {
          ctx.report({
            messageId: 'conflict',
            data: { package: mine.name, version: mine.version, provisionedVersion: other.version },
            code: CONFLICT,
            evidence,
          });
        } else {
          ctx.report({
            messageId: 'conflictOneVersion',
            data: { package: mine ? `${mine.name} ${mine.version}` : fileName || cmd },
            code: CONFLICT,
            evidence,
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a provisioned app package that installs',
        log: `2024-06-03 14:02:11, Info                  DISM   DISM.EXE: Executing command line: dism.exe /Online /Add-ProvisionedAppxPackage /PackagePath:C:\\Deploy\\Microsoft.DesktopAppInstaller_1.22.10861.0_neutral_~_8wekyb3d8bbwe.msixbundle /SkipLicense
2024-06-03 14:02:40, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
      },
    ],
    invalid: [
      {
        name: 'an older version than the provisioned one: both versions named',
        log: `> 2024-06-03 14:02:11, Info                  DISM   DISM.EXE: Executing command line: dism.exe /Online /Add-ProvisionedAppxPackage /PackagePath:C:\\Deploy\\Microsoft.DesktopAppInstaller_1.21.3482.0_neutral_~_8wekyb3d8bbwe.msixbundle /SkipLicense
2024-06-03 14:02:12, Info                  DISM   DISM Appx Provider: PID=6120 TID=6344 Converting IDismStringCollectionVector. - CAppxManager::ConvertIDismStringCollectionToVector
> 2024-06-03 14:02:12, Error                 DISM   DISM Appx Provider: PID=6120 TID=6344 onecore\\admin\\appmodel\\utilities\\provisionhelper\\msixprovisioningmanager.cpp(1120)\\AppxProvider.dll!00007FFC2A1B4C55: (caller: 00007FFC2A1A8E63) ReturnHr(1) tid(6344) C1570118
>     Msg:[Failed to provision 'Microsoft.DesktopAppInstaller_1.21.3482.0_neutral_~_8wekyb3d8bbwe': an equal or higher version of the package is already provisioned: 'Microsoft.DesktopAppInstaller_1.22.10861.0_neutral_~_8wekyb3d8bbwe'.]
>  - CAppxManager::ResultLoggingCallback
2024-06-03 14:02:12, Error                 DISM   DISM Appx Provider: PID=6120 TID=6344 Failed to add Appx package - CAppxManager::ProcessCommandAddAllUserAppxPackage(hr:0xC1570118)
> 2024-06-03 14:02:12, Error                 DISM   DISM Appx Provider: PID=6120 TID=6344 Failed processing command to add Appx package - CAppxManager::ExecuteCmdLine(hr:0xC1570118)
2024-06-03 14:02:12, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [
          {
            messageId: 'conflict',
            facts: {
              package: 'Microsoft.DesktopAppInstaller',
              version: '1.21.3482.0',
              provisionedVersion: '1.22.10861.0',
            },
            code: CONFLICT,
          },
        ],
      },
      {
        name: 'the log names no version: the package file is named',
        log: `> 2024-06-03 15:00:00, Info                  DISM   DISM.EXE: Executing command line: dism.exe /Image:C:\\mount /Add-ProvisionedAppxPackage /PackagePath:C:\\Deploy\\companyportal.appxbundle /LicensePath:C:\\Deploy\\companyportal.xml
> 2024-06-03 15:00:01, Error                 DISM   DISM Appx Provider: PID=700 TID=704 Failed to add Appx package - CAppxManager::ProcessCommandAddAllUserAppxPackage(hr:0xc1570118)
> 2024-06-03 15:00:01, Error                 DISM   DISM Appx Provider: PID=700 TID=704 Failed processing command to add Appx package - CAppxManager::ExecuteCmdLine(hr:0xc1570118)
2024-06-03 15:00:01, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [
          { messageId: 'conflictOneVersion', facts: { package: 'companyportal.appxbundle' }, code: CONFLICT },
        ],
      },
    ],
  },
});
