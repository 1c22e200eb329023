#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { createOutput, describeError, problemOf } from './output.js';
import { serveCommand } from './serve-command.js';
import type { GlobalOptions } from './context.js';
import { moduleList } from '../modules.js';

/**
 * The `pave` command. Every subcommand takes --json; errors print one line (plus field details), or with
 * --json one problem object, on stderr and exit 1.
 */
export function buildProgram(): Command {
  const program = new Command('pave')
    .description('Pave: software catalog, golden paths and platform API')
    .option('--json', 'machine-readable output')
    .option('-c, --config <file>', 'configuration file of the local store (default pave.config.yaml, or PAVE_CONFIG)')
    .option('-s, --server <url>', 'the Pave server to use (default PAVE_SERVER, else the one signed in to with pave login, else the local store)')
    .option('--local', 'use the configured store in this process even when signed in to a server');
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const output = () => createOutput(Boolean(globals().json));
  program.addCommand(serveCommand(globals));
  // A module's commands on the local store build that module and what it requires, not all of Pave (a quick start).
  for (const module of moduleList()) {
    const moduleGlobals = (): GlobalOptions => ({ ...globals(), module: module.name });
    for (const command of module.cli?.({ output, globals: moduleGlobals }) ?? []) program.addCommand(command);
  }
  // Commander's own mistakes (an unknown flag, a bad flag value) are thrown, not printed, so `main` reports them
  // like every other failure; help and --version still print as commander writes them.
  for (const command of everyCommand(program)) command.exitOverride().configureOutput({ outputError: () => undefined });
  return program;
}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return;
    process.stderr.write((json ? JSON.stringify(problemOf(error)) : describeError(error)) + '\n');
    process.exitCode = 1;
  }
}

await main(process.argv);
