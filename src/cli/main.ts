#!/usr/bin/env node
import { Command } from 'commander';
import { createOutput, describeError } from './output.js';
import { catalogCommands } from './catalog-commands.js';
import { serveCommand } from './serve-command.js';
import { authCommands, loginCommand, logoutCommand } from './auth-commands.js';
import type { GlobalOptions } from './context.js';
import { platformCommands } from './platform-commands.js';
import { templateCommands } from './template-commands.js';
import { webhookCommands } from './webhook-commands.js';

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
  program.addCommand(catalogCommands(output, globals));
  program.addCommand(authCommands(output, globals));
  program.addCommand(loginCommand(output));
  program.addCommand(logoutCommand(output));
  for (const command of platformCommands(output, globals)) program.addCommand(command);
  program.addCommand(templateCommands(output, globals));
  program.addCommand(webhookCommands(output, globals));
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
