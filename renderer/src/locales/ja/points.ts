import type { points as en } from '../en/points.js';
import type { Translation } from '../types.js';

export const points = {
  loading: '復元ポイントを読み込んでいます…',
  loadFailed: '復元ポイントを読み込めませんでした。',
  watchFailed: '新しい復元ポイントは、このウィンドウを再読み込みするまで表示されません。',
  noRepositoryTitle: 'リポジトリがありません',
  noRepositoryBody:
    'バックアップはリポジトリに保存されます。リポジトリはこのコンピューター上またはネットワーク共有（NAS）上のフォルダーです。「設定」で選択または作成してください。',
  openSettings: '設定を開く',
  filterLabel: 'VM 名で絞り込み',
  noMatch: '名前に「{{filter}}」を含む VM の復元ポイントはありません。',
  summary: '{{vms}}、{{points}}。',
  pointCount_other: '復元ポイント {{count, number}} 個',
  vmCount_other: 'VM {{count, number}} 台',
  unknownCluster: '不明なクラスター',
  notInCatalog: 'このクラスターは Lifeboat から削除されていますが、復元ポイントは残っています。',
  caption: '{{vm}} の復元ポイント（新しい順）',
  columnTaken: '作成日時',
  columnType: '種類',
  columnAdded: 'リポジトリへの追加量',
  columnHost: 'バックアップ元',
  columnDisks: 'ディスク',
  types: {
    full: 'フル',
    incremental: '増分',
  },
  disk: '{{target}} {{capacity}}',
  damagedTitle_other: '{{count, number}} 個の復元ポイントを読み取れませんでした',
  damagedBody: 'リポジトリ内のファイルが破損しています。「設定」でリポジトリを検証し、ほかに問題がないか確認してください。',
  damagedEntry: '{{path}}: {{message}}',
  unknownClusterFacts: '{{vms}} · クラスター {{clusterId}}',
  emptyTitle: '復元ポイントはまだありません',
  emptyBody:
    'バックアップはリポジトリに保存されます。リポジトリはこのコンピューター上またはネットワーク共有（NAS）上のフォルダーです。' +
    'リポジトリを設定してバックアップを実行すると、各 VM の復元ポイントがここに表示されます。',
} satisfies Translation<typeof en>;
