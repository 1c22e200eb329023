#!/usr/bin/env node
import { Command } from 'commander';
import { createOutput, describeError } from './output.js';
import { serveCommand } from './serve-command.js';
import type { GlobalOptions } from './context.js';
import { moduleList } from '../modules.js';

/** The `pave` command. Every subcommand takes --json; errors print one line (plus field details) and exit 1. */
export function buildProgram(): Command {
  const program = new Command('pave')
    .description('Pave: software catalog, golden paths and platform API')
    .option('--json', 'machine-readable output')
    .option('-c, --config <file>', 'configuration file of the local store (default pave.config.yaml, or PAVE_CONFIG)')
    .option('-s, --server <url>', 'the Pave server to use (default PAVE_SERVER, else the one signed in to with pave login, else the local store)')
    .option('--local', 'use the configured store in this process even when signed in to a server')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text.split('\n')[0] + '\n') });
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const output = () => createOutput(Boolean(globals().json));
  program.addCommand(serveCommand(globals));
  for (const module of moduleList()) for (const command of module.cli?.({ output, globals }) ?? []) program.addCommand(command);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(describeError(error) + '\n');
    process.exitCode = 1;
  }
}

await main(process.argv);
