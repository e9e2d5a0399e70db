// The wording shared by the rules that tell one update failing to install or download, whatever log told it
// (evt-update-failed, wu-install-failed, wu-download-failed): the sentence and the notes after it.

import type { I18nText } from '../model/types.js';

/** `KB… failed to install 3 times (first … last) with <code> <name>: <meaning>.` and the notes. */
export const INSTALL_FAILED: I18nText = {
  en: '{{what}} failed to install {{times}} ({{span}}{{utc}}) with {{code}} {{codeName}}: {{meaning}}.{{note}}',
  zh: '{{what}} 安装失败 {{timesZh}} 次（{{utcZh}}{{spanZh}}），错误 {{code}} {{codeName}}：{{meaningZh}}。{{noteZh}}',
};

/** The same for a download. */
export const DOWNLOAD_FAILED: I18nText = {
  en: '{{what}} failed to download {{times}} ({{span}}{{utc}}) with {{code}} {{codeName}}: {{meaning}}.{{note}}',
  zh: '{{what}} 下载失败 {{timesZh}} 次（{{utcZh}}{{spanZh}}），错误 {{code}} {{codeName}}：{{meaningZh}}。{{noteZh}}',
};

/** Notes: a later try went through (`installRetried`, `downloadRetried`), a Microsoft Store app (`store`). */
export const UPDATE_FAILURE_NOTES: Record<'installRetried' | 'downloadRetried' | 'store', I18nText> = {
  installRetried: {
    en: ' A later attempt installed it: transient.',
    zh: '之后的重试已安装成功，属于暂时性错误。',
  },
  downloadRetried: {
    en: ' A later download of it went through: transient.',
    zh: '之后的下载已成功，属于暂时性错误。',
  },
  store: {
    en: ' A Microsoft Store app, not Windows servicing: the Store retries it by itself.',
    zh: '这是 Microsoft Store 应用，不属于 Windows 服务更新：Store 会自行重试。',
  },
};
