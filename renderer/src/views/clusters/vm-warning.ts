// Something odd about where a VM was seen (the engine's code and values, shared/model/inventory.ts) as a sentence in
// the UI's language. The engine words the same warnings in English for the CLI.
import type { TFunction } from 'i18next';
import type { VmWarning } from '../../../../shared/model/inventory.js';

export function vmWarningText(t: TFunction<['clusters']>, warning: VmWarning): string {
  switch (warning.code) {
    case 'active_on_several':
      return t('clusters:vmWarning.activeOnSeveral', { hosts: warning.hosts.join(t('clusters:vmWarning.hostsSeparator')), using: warning.using });
    case 'defined_on_several': {
      const values = { others: warning.others.join(t('clusters:vmWarning.listSeparator')), using: warning.using };
      return warning.running ? t('clusters:vmWarning.definedOnSeveralRuns', values) : t('clusters:vmWarning.definedOnSeveral', values);
    }
  }
}
