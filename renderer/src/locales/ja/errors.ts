import type { errors as en } from '../en/errors.js';
import type { Translation } from '../types.js';

export const errors = {
  invalid_message: 'エンジンがこのウィンドウからの要求を読み取れませんでした。',
  invalid_params: 'このウィンドウからの要求は無効なため、エンジンに拒否されました。',
  unknown_method: 'エンジンが提供していない機能を要求しました。アプリが最新でない可能性があります。',
  unknown_topic: 'エンジンが提供していない更新通知を要求しました。アプリが最新でない可能性があります。',
  cancelled: '要求はキャンセルされました。',
  timeout: 'エンジンの応答に時間がかかりすぎています。',
  not_found: '要求された対象がエンジンに見つかりませんでした。',
  conflict: '実行中の別の処理と競合しています。しばらくしてから再試行してください。',
  unavailable: 'エンジンが必要とするリソースを現在利用できません。',
  transport_closed: 'エンジンとの接続が切断されています。',
  internal: 'Lifeboat の内部でエラーが発生しました。詳細はログを確認してください。',
} satisfies Translation<typeof en>;
