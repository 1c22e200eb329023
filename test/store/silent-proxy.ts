import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a server that can go silent without closing anything, as a dead
 * link or a firewall dropping packets does: the client's socket stays open and its writes are accepted,
 * but nothing reaches the server and nothing comes back. Loopback only.
 * @example const proxy = await SilentProxy.start({ host: '127.0.0.1', port: 5432 }); proxy.silence(); … await proxy.close();
 */
export class SilentProxy {
  /** Connections accepted so far. */
  accepted = 0;
  readonly #server: net.Server;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  readonly #forwarding = new Set<{ client: net.Socket; upstream: net.Socket }>();
  #answerNew = true;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = net.createServer(client => this.#accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<SilentProxy> {
    const proxy = new SilentProxy(target);
    await new Promise<void>(resolve => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** `url` with its host and port replaced by this proxy's. */
  urlFor(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.href;
  }

  /** Open connections stop forwarding, both ways, and stay open. With `andNew`, connections made from now on are accepted and never answered. */
  silence(options: { andNew?: boolean } = {}): void {
    for (const pair of this.#forwarding) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
    }
    this.#forwarding.clear();
    if (options.andNew) this.#answerNew = false;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    this.accepted++;
    this.#track(client);
    if (!this.#answerNew) {
      client.pause();
      return;
    }
    const upstream = net.connect(this.#target.port, this.#target.host);
    this.#track(upstream);
    const pair = { client, upstream };
    this.#forwarding.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      this.#forwarding.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', done);
    upstream.on('close', done);
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
