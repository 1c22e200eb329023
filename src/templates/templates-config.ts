import { delimiter, resolve } from 'node:path';
import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/**
 * An organisation's own scaffolder actions (`templates.actions` in `pave.config.yaml`): where they come
 * from and the limits of the sandbox each run gets (the kind of sandbox is `platform.moduleSandbox`'s).
 */
export interface InstalledActionsConfig {
  /** Folders whose top-level `.mjs`/`.js`/`.cjs` files each export actions (PAVE_TEMPLATE_ACTION_FOLDERS, path-delimited). */
  folders: string[];
  /** npm packages (installed beside Pave, found from its working folder) whose entry point exports actions (PAVE_TEMPLATE_ACTION_PACKAGES, comma-separated). */
  packages: string[];
  /** Seconds one run of an installed action may take. */
  timeoutSeconds: number;
  /** Memory of its process, in MB. */
  memoryMb: number;
  /** Size of its folder (the workspace's copy and its temporary files), in MB. */
  folderMb: number;
  /** Bytes it may print. */
  maxOutputBytes: number;
  /** Bytes of outputs and changed files it may hand back. */
  maxResultBytes: number;
}

/** Template upgrades: how often the review an upgrade opened is looked at until it is merged or closed. */
export interface UpgradesConfig {
  /** Seconds between two looks at an open review (PAVE_TEMPLATE_REVIEW_CHECK_SECONDS). */
  reviewCheckSeconds: number;
}

export interface TemplatesConfig {
  actions: InstalledActionsConfig;
  upgrades: UpgradesConfig;
}

const list = (text: string, separator: string) => text.split(separator).map(part => part.trim()).filter(Boolean);

/**
 * The templates module's section: installed actions and their limits, and how often upgrade reviews are looked at. Folders become absolute (against
 * the working folder); every limit is a positive number.
 * @example loadConfig({ env: { PAVE_TEMPLATE_ACTION_FOLDERS: '/srv/pave-actions' } }).templates.actions.folders // ['/srv/pave-actions']
 */
export const templatesConfigSection: ConfigSection<'templates', TemplatesConfig> = {
  key: 'templates',
  nested: ['actions', 'upgrades'],
  defaults: () => ({
    actions: { folders: [], packages: [], timeoutSeconds: 60, memoryMb: 256, folderMb: 256, maxOutputBytes: 1024 * 1024, maxResultBytes: 64 * 1024 * 1024 },
    upgrades: { reviewCheckSeconds: 300 },
  }),
  fromEnvironment(section, { env }) {
    const actions = { ...section.actions };
    if (env.PAVE_TEMPLATE_ACTION_FOLDERS) actions.folders = list(env.PAVE_TEMPLATE_ACTION_FOLDERS, delimiter);
    if (env.PAVE_TEMPLATE_ACTION_PACKAGES) actions.packages = list(env.PAVE_TEMPLATE_ACTION_PACKAGES, ',');
    const upgrades = { ...section.upgrades, ...(env.PAVE_TEMPLATE_REVIEW_CHECK_SECONDS ? { reviewCheckSeconds: Number(env.PAVE_TEMPLATE_REVIEW_CHECK_SECONDS) } : {}) };
    return { ...section, actions, upgrades };
  },
  validate: ({ actions, upgrades }) =>
    fieldChecks(check => {
      const { folders, packages, ...limits } = actions;
      check(Array.isArray(folders) && folders.every(f => typeof f === 'string' && f.length > 0), '/actions/folders', 'must be a list of folder paths (PAVE_TEMPLATE_ACTION_FOLDERS)');
      check(
        Array.isArray(packages) && packages.every(p => typeof p === 'string' && /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(p)),
        '/actions/packages',
        'must be a list of npm package names (PAVE_TEMPLATE_ACTION_PACKAGES)',
      );
      for (const [key, value] of Object.entries(limits)) check(typeof value === 'number' && Number.isFinite(value) && value > 0, `/actions/${key}`, 'must be a positive number');
      check(typeof upgrades.reviewCheckSeconds === 'number' && Number.isFinite(upgrades.reviewCheckSeconds) && upgrades.reviewCheckSeconds > 0, '/upgrades/reviewCheckSeconds', 'must be a positive number of seconds (PAVE_TEMPLATE_REVIEW_CHECK_SECONDS)');
    }),
  resolve: (section, { cwd }) => ({ ...section, actions: { ...section.actions, folders: section.actions.folders.map(folder => resolve(cwd, folder)) } }),
};
