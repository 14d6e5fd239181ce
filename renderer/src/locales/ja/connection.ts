import type { connection as en } from '../en/connection.js';
import type { Translation } from '../types.js';

export const connection = {
  title: 'Lifeboat がエンジンに接続できません',
  missingTokenTitle: 'このページにはアクセストークンが必要です',
  missingTokenHelp:
    '「lifeboat serve」の起動時に表示されたアドレスを、#token= 以降も含めてそのまま開いてください。' +
    'サーバーを起動するたびに新しいアドレスが表示されます。',
  startFailedHelp: 'ウィンドウを再読み込みしてください。問題が解決しない場合は Lifeboat を再起動してください。',
  lostHelpDesktop:
    'バックアップを実行する Lifeboat 本体との接続が切れました。ウィンドウを再読み込みし、解決しない場合は ' +
    'Lifeboat を再起動してください。エンジンが動作していれば、実行中のバックアップはそのまま続行されます。',
  lostHelpHeadless:
    '「lifeboat serve」が動作していることを確認してから、このページを再読み込みしてください。サーバーを再起動した場合は、' +
    '表示された新しいアドレスを開いてください。起動するたびにアクセストークンが変わります。',
  reload: '再読み込み',
  detailsLabel: '技術的な詳細',
  copyDetails: '詳細をコピー',
  copied: '詳細をクリップボードにコピーしました。',
  copyFailed: 'コピーできませんでした。ボックス内のテキストを選択してコピーしてください。',
  detail: {
    code: 'コード',
    message: 'メッセージ',
    transport: '接続方式',
    time: '日時',
  },
} satisfies Translation<typeof en>;
