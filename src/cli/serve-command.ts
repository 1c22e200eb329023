import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../pave-config.js';
import { packageRoot } from '../core/package-root.js';
import type { PaveApp } from '../app.js';
import { conflict } from '../core/problem.js';
import type { GlobalOptions } from './context.js';

/** The demo organisation and its golden paths, as one catalog location. */
export const DEMO_LOCATION = () => join(packageRoot(), 'demo', 'all.yaml');

/** `pave serve`: the HTTP API and portal, with periodic refresh; `--demo` loads the demo organisation. */
export function serveCommand(globals: () => GlobalOptions): Command {
  return new Command('serve')
    .description('serve the API and portal')
    .option('--demo', 'load the demo organisation')
    .option('-p, --port <port>', 'port (default 7007, or PAVE_PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or PAVE_HOST)')
    .action(async (options: { demo?: boolean; port?: string; host?: string }) => {
      const config = loadConfig({
        file: globals().config,
        overrides: {
          ...(options.demo ? { demo: true } : {}),
          ...(options.port !== undefined ? { port: Number(options.port) } : {}),
          ...(options.host ? { host: options.host } : {}),
        },
      });
      // The server's code loads when it is asked for, not for every command's start.
      const [{ createApp }, { createServer }, { reportModuleSandbox }, { createMetricsServer }] = await Promise.all([
        import('../app.js'),
        import('../api/server.js'),
        import('../platform/steps/sandbox/module-sandbox-for.js'),
        import('../api/routes/operations-routes.js'),
      ]);
      const app = await createApp(config);
      // Said at start: how module steps are isolated here, or that they are refused.
      await reportModuleSandbox(app.platform.moduleSandbox, app.logger);
      if (config.demo) {
        await loadDemo(app);
        // A few services' own repositories, hosted by Pave (scorecards read their files; a fix proposes a branch).
        const { loadRepositoriesDemo } = await import('../repositories/demo-loader.js');
        const author = { actor: app.auth.localOperator() };
        await loadRepositoriesDemo(app.repositories, target => app.catalog.locations.register({ type: 'url', target }, { onConflict: 'refresh', author }), { demoDir: join(packageRoot(), 'demo', 'repositories'), logger: app.logger });
        // A few months of delivery history for the demo components (deterministic; a restart adds only new days).
        // Here rather than in loadDemo: the suites that start the demo organisation have no use for 15,000 events.
        const { loadDeliveryDemo } = await import('../delivery/demo-loader.js');
        await loadDeliveryDemo(app.delivery, app.catalog.entities, { operator: app.auth.localOperator(), logger: app.logger });
        // No cluster syncs the demo destinations: a stand-in for Argo CD reports Pave's commits synced and healthy.
        const { DemoArgoCd } = await import('../delivery/demo-argocd.js');
        app.eventConsumers.register(new DemoArgoCd(app.platform, app.delivery));
        await loadInsightsDemo(app);
      }
      await app.platform.mirrorCapabilities();
      await app.workers.start();
      const server = await createServer(app);
      const address = await server.listen({ host: config.host, port: config.port });
      const metrics = config.operations.metrics;
      const metricsServer = metrics.enabled && metrics.port !== undefined ? await createMetricsServer(app.operations) : undefined;
      if (metricsServer) app.logger.info(`metrics on ${await metricsServer.listen({ host: metrics.host ?? config.host, port: metrics.port! })}/metrics`);
      app.logger.info({ store: app.store.description }, `Pave is serving on ${address}`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        // Not ready from now on (the load balancer stops sending), then: no new connections, the requests in
        // flight answered, the workers stopped and their leases handed back, the store closed; exit 0. Past the
        // grace period the process exits 1 and whatever it still held expires like a killed replica's.
        const grace = setTimeout(() => {
          app.logger.error(`shutdown took longer than ${config.operations.shutdownGraceSeconds} s; exiting`);
          process.exit(1);
        }, config.operations.shutdownGraceSeconds * 1000).unref();
        app.logger.info({ signal }, 'shutting down: finishing requests in flight and handing back work');
        app.operations.beginShutdown();
        // Streams (the event feed) never end by themselves: halfway through the grace period the connections
        // still open are closed, and their clients reconnect to another replica.
        const cutoff = setTimeout(() => server.server.closeAllConnections(), (config.operations.shutdownGraceSeconds * 1000) / 2).unref();
        try {
          await server.close();
          clearTimeout(cutoff);
          await metricsServer?.close();
          await app.close();
          clearTimeout(grace);
          app.logger.info('shut down');
          process.exit(0);
        } catch (error) {
          app.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        }
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

/** Registers the demo organisation once; later starts refresh it so edits to demo files show. */
export async function loadDemo(app: PaveApp): Promise<void> {
  const target = DEMO_LOCATION();
  try {
    const { entities, errors } = await app.catalog.locations.register({ type: 'file', target });
    app.logger.info({ entities: entities.length, problems: errors.length }, 'demo organisation loaded');
  } catch (error) {
    const existingId = (error as { problem?: { existingId?: string } }).problem?.existingId;
    if (!existingId || (error as { status?: number }).status !== conflict('').status) throw error;
    await app.catalog.locations.refresh(existingId);
  }
  // The demo platform: capabilities, and dev/prod destinations as local git repositories under the data folder.
  const { loadPlatformDemo } = await import('../platform/demo-loader.js');
  await loadPlatformDemo(app.platform, { demoDir: join(packageRoot(), 'demo', 'platform'), dataDir: resolve(app.config.dataDir), author: { actor: app.auth.localOperator() }, logger: app.logger });
}

/**
 * The demo's completed developer-experience survey, then two maturity assessments three months apart (the
 * evidence of the day kept with each), once. Apart from `loadDemo` so that suites starting the demo
 * organisation do not pay for 33 answers they do not read.
 */
export async function loadInsightsDemo(app: PaveApp): Promise<void> {
  const operator = app.auth.localOperator();
  const [{ loadSurveysDemo }, { loadMaturityDemo }] = await Promise.all([import('../surveys/demo-loader.js'), import('../maturity/demo-loader.js')]);
  await loadSurveysDemo(app.surveys, app.catalog.entities, { file: join(packageRoot(), 'demo', 'surveys', 'dx-survey.yaml'), operator, identityOf: ref => app.auth.permissions.identityForUser(ref, 'local'), logger: app.logger });
  await loadMaturityDemo(app.maturity, { file: join(packageRoot(), 'demo', 'maturity', 'assessments.yaml'), assessor: operator, logger: app.logger });
}
