import type { common as en } from '../en/common.js';
import type { Translation } from '../types.js';

export const common = {
  appName: 'Lifeboat',
  skipToMain: 'メインコンテンツへ移動',
  navigationLabel: 'メイン',
  documentTitle: '{{view}} – Lifeboat',
  views: {
    dashboard: 'ダッシュボード',
    clusters: 'クラスター',
    jobs: 'ジョブ',
    'restore-points': '復元ポイント',
    settings: '設定',
  },
  tryAgain: '再試行',
  engineSaid: '詳細',
  cancel: 'キャンセル',
  close: '閉じる',
  dismiss: '閉じる',
  save: '保存',
  saving: '保存しています…',
  unknown: '不明',
  warning: '警告',
  copyFailed: 'コピーできませんでした。テキストを選択してコピーしてください。',
  /** An engine error's code and reason, and "Copy details" (components/Notices.tsx). */
  errorDetails: {
    copy: '詳細をコピー',
    copyLabel: '詳細をコピー: {{title}}',
    copied: '詳細をクリップボードにコピーしました。',
    code: 'コード: {{code}}',
    codeWithReason: 'コード: {{code}} ({{reason}})',
  },
  duration: {
    seconds: '{{seconds}}秒',
    minutes: '{{minutes}}分',
    hours: '{{hours}}時間',
    hoursMinutes: '{{hours}}時間{{minutes}}分',
  },
} satisfies Translation<typeof en>;
