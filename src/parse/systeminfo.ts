// `systeminfo` output, English or Chinese (as collectors save it: UTF-16, GBK or UTF-8): OS name and
// version, and the hotfix list — which updates are installed, so which build the machine is at.

/** What a systeminfo capture says about the machine. */
export interface SystemInfo {
  hostName: string | null;
  osName: string | null;
  /** `10.0.17763` */
  osVersion: string | null;
  /** 17763 */
  osBuild: number | null;
  /** `KB5005112`… in the order listed. */
  hotfixes: string[];
}

/** Sample lines (English and Chinese); the format test parses them. */
export const samples: { text: string; fields: Partial<SystemInfo> }[] = [
  {
    text: [
      'Host Name:                 PC-0042',
      'OS Name:                   Microsoft Windows 10 Enterprise LTSC',
      'OS Version:                10.0.17763 N/A Build 17763',
      'Hotfix(s):                 3 Hotfix(s) Installed.',
      '                           [01]: KB4486153',
      '                           [02]: KB5005112',
      '                           [03]: KB4516077',
      'Network Card(s):           1 NIC(s) Installed.',
    ].join('\r\n'),
    fields: {
      hostName: 'PC-0042',
      osVersion: '10.0.17763',
      osBuild: 17763,
      hotfixes: ['KB4486153', 'KB5005112', 'KB4516077'],
    },
  },
  {
    text: [
      '主机名:           PC-0042',
      'OS 名称:          Microsoft Windows 10 企业版 LTSC',
      'OS 版本:          10.0.17763 暂缺 Build 17763',
      '修补程序:         安装了 2 个修补程序。',
      '                  [01]: KB5005112',
      '                  [02]: KB5001342',
      '网卡:             安装了 1 个 NIC。',
    ].join('\r\n'),
    fields: {
      hostName: 'PC-0042',
      osVersion: '10.0.17763',
      osBuild: 17763,
      hotfixes: ['KB5005112', 'KB5001342'],
    },
  },
];

const KEYS = {
  host: /^(?:Host Name|主机名)\s*[:：]\s*(.*)$/,
  osName: /^(?:OS Name|OS 名称)\s*[:：]\s*(.*)$/,
  osVersion: /^(?:OS Version|OS 版本)\s*[:：]\s*(\d+\.\d+\.(\d{4,5}))/,
  hotfix: /^(?:Hotfix\(s\)|修补程序)\s*[:：]/,
  item: /^\s+\[\d+\]\s*:\s*(KB\d{6,7})\b/i,
};

/** Whether a text looks like systeminfo output (both an OS version and a hotfix line). */
export function detectSystemInfo(lines: string[]): boolean {
  const trimmed = lines.map((l) => l.replace(/^\uFEFF/, ''));
  return trimmed.some((l) => KEYS.osVersion.test(l)) && trimmed.some((l) => KEYS.hotfix.test(l));
}

/** Parses systeminfo output; fields it cannot find stay null. */
export function parseSystemInfo(text: string): SystemInfo {
  const out: SystemInfo = { hostName: null, osName: null, osVersion: null, osBuild: null, hotfixes: [] };
  let inHotfix = false;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    let m: RegExpExecArray | null;
    if ((m = KEYS.host.exec(raw))) out.hostName = m[1]!.trim();
    else if ((m = KEYS.osName.exec(raw))) out.osName = m[1]!.trim();
    else if ((m = KEYS.osVersion.exec(raw))) {
      out.osVersion = m[1]!;
      out.osBuild = Number(m[2]);
    } else if (KEYS.hotfix.test(raw)) {
      inHotfix = true;
      continue;
    }
    if (inHotfix) {
      const item = KEYS.item.exec(raw);
      if (item) out.hotfixes.push(item[1]!.toUpperCase());
      else if (/^\S/.test(raw)) inHotfix = false;
    }
  }
  return out;
}
