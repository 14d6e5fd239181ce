import type { dashboard as en } from '../en/dashboard.js';
import type { Translation } from '../types.js';

export const dashboard = {
  loading: 'ダッシュボードを読み込んでいます…',
  loadFailed: 'ダッシュボードを読み込めませんでした。',
  refreshFailed: 'ダッシュボードを最新の状態にできませんでした。表示しているのは {{when}} 時点の内容です。',

  repository: {
    heading: 'リポジトリ',
    notConfigured: 'リポジトリがまだ設定されていないため、バックアップを保存できません。',
    setUp: '設定画面でリポジトリを設定',
    unavailable: 'リポジトリは現在使用できません。',
    folder: 'フォルダー',
    size: 'ディスク上のサイズ',
    referenced: '復元ポイントのデータ量',
    dedup: '削減率',
    dedupValue: '{{ratio}} 倍',
    dedupHint: '復元ポイントのデータ量をディスク上のサイズで割った値です (重複排除と圧縮の合計)。',
    free: '空き容量',
    freeOfTotal: '{{free}} (全体 {{total}})',
    points: '復元ポイント',
    vms: '復元ポイントのある VM',
    nothingStored: 'データはまだありません',
    measuring: '計測しています…',
    notMeasured: '未計測',
    measuredAt: 'サイズは {{when}} に計測しました。',
  },

  clusters: {
    heading: 'クラスター',
    emptyTitle: 'クラスターがありません',
    emptyBody: 'クラスターを追加すると、その VM をバックアップできます。',
    goToClusters: 'クラスター画面へ',
  },

  cluster: {
    hosts: 'ホスト {{total, number}} 台中 {{connected, number}} 台に接続済み',
    hostsConnecting_other: 'ホスト {{count, number}} 台に接続中',
    hostsUnreachable_other: 'ホスト {{count, number}} 台に接続できません',
    vmCount_other: 'VM {{count, number}} 台',
    staleCount_other: 'バックアップが必要な VM {{count, number}} 台',
    allCurrent: 'すべての VM に最近のバックアップがあります',
    nextRun: '次回のスケジュールバックアップ: {{when}}',
    noSchedule: 'スケジュールなし (バックアップは手動で開始)',
    staleAfter: '最新の復元ポイントが {{age}} より古い VM は、バックアップが必要と表示されます。',
    factsLabel: '{{cluster}} の概要',
    vmsCaption: '{{cluster}} の VM と最後のバックアップ',
    noVms: 'これまでに接続したホストには VM が見つかりません。',
  },

  vms: {
    columnVm: 'VM',
    columnState: '状態',
    columnLastBackup: '最新の復元ポイント',
    columnAge: '経過時間',
    columnStatus: 'ステータス',
    columnLastAttempt: '最後の実行',
    notOnHost: '接続可能なホスト上にありません',
    never: '未バックアップ',
    stale: 'バックアップが必要',
    current: '最新',
    succeeded: '{{when}} に成功',
    failed: '{{when}} に失敗',
    noAttempt: 'なし',
    viewJob: 'ジョブを表示',
    viewJobLabel: 'ジョブを表示: {{vm}} の最後の実行',
    failureTitle: '{{vm}} の最後のバックアップが失敗した理由',
    none: '—',
  },

  age: {
    justNow: 'たった今',
    minutes_other: '{{count, number}} 分',
    hours_other: '{{count, number}} 時間',
    days_other: '{{count, number}} 日',
  },
} satisfies Translation<typeof en>;
