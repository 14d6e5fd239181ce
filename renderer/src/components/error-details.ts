// The text "Copy details" puts on the clipboard for a support request: the engine's code, its finer reason when it
// gave one, and its message, one per line. Kept in the engine's words (not translated): support reads them.
import type { StoreError } from '../stores/store-error.js';

export interface EngineErrorValue {
  code: string;
  message: string;
  reason?: string | undefined;
}

export function errorDetailsText(error: EngineErrorValue | StoreError): string {
  const lines = [`code: ${error.code}`];
  if (error.reason !== undefined) lines.push(`reason: ${error.reason}`);
  lines.push(`message: ${error.message}`);
  return lines.join('\n');
}
