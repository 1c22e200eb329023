import type { PlatformConfig } from '../../platform-config.js';
import type { Logger } from '../../../core/logger.js';
import { BubblewrapSandbox } from './bubblewrap-sandbox.js';
import type { ModuleSandbox, SandboxLimits } from './module-sandbox.js';
import { NodePermissionSandbox } from './node-permission-sandbox.js';

/**
 * The sandbox the configuration asks for: `bubblewrap` (the default; module steps are refused where it
 * cannot run) or `process` (Node's permission model only, accepted knowingly), with the configured memory
 * limit unless `overrides` (installed scaffolder actions' own limits) say otherwise.
 * @example const sandbox = moduleSandboxFor(config.platform);
 */
export function moduleSandboxFor(config: Pick<PlatformConfig, 'moduleSandbox' | 'moduleMemoryMb'>, overrides: Partial<SandboxLimits> = {}): ModuleSandbox {
  const limits = { memoryMb: config.moduleMemoryMb, ...overrides };
  return config.moduleSandbox === 'process' ? new NodePermissionSandbox({ limits }) : new BubblewrapSandbox({ limits });
}

/**
 * Says at start how module steps will be isolated: a warning when bubblewrap cannot run here (module
 * steps are refused) or when the configuration chose the weaker process sandbox.
 * @example await reportModuleSandbox(app.platform.moduleSandbox, app.logger);
 */
export async function reportModuleSandbox(sandbox: ModuleSandbox, logger: Logger): Promise<void> {
  const check = await sandbox.check();
  if (!check.ok) {
    logger.warn(
      { sandbox: sandbox.kind, reason: check.reason },
      `Module steps are refused: bubblewrap cannot isolate them on this machine (${check.reason}). Install bubblewrap, or set platform.moduleSandbox: process (PAVE_MODULE_SANDBOX=process) to accept weaker isolation.`,
    );
  } else if (sandbox.kind === 'process') {
    logger.warn({ sandbox: sandbox.kind }, `Module steps run in ${sandbox.description} (platform.moduleSandbox: process). Use bubblewrap in production.`);
  } else {
    logger.info({ sandbox: sandbox.kind }, `Module steps run in ${sandbox.description}`);
  }
}
