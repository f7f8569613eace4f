// Chooses the transport for each host: the local connection for ansible_connection=local, -c local
// and the implicit localhost. The SSH transport is not part of this build: such hosts are reported
// UNREACHABLE with that reason (the other hosts go on), never silently run locally.
import type { Host } from '../inventory/model.js';
import { LocalTransport } from '../transport/local.js';
import { UnreachableError, type ExecResult, type Transport } from '../transport/types.js';
import type { ConnectionSettings } from '../vars/connection.js';

class MissingSshTransport implements Transport {
  constructor(private readonly host: string) {}
  exec(): Promise<ExecResult> {
    return Promise.reject(new UnreachableError(`cannot connect to ${this.host}: the SSH connection is not available in this build of kplay; use ansible_connection=local or -c local`));
  }
  kill(): void {}
  describe(): string {
    return `SSH CONNECTION TO ${this.host}: not available in this build`;
  }
  async close(): Promise<void> {}
}

/** Opens transports on demand and closes them all at the end. */
export class Connections {
  private readonly open = new Map<string, Transport>();

  constructor(private readonly forced: string | undefined) {}

  /** The transport for a host (one per host per run). */
  transportFor(host: Host, settings: ConnectionSettings): Transport {
    const existing = this.open.get(host.name);
    if (existing) return existing;
    const kind = this.forced ?? settings.connection ?? (host.implicit ? 'local' : 'ssh');
    const t: Transport = kind === 'local' ? new LocalTransport() : new MissingSshTransport(settings.host);
    this.open.set(host.name, t);
    return t;
  }

  /** Kills every running command (second Ctrl-C). */
  killAll(): void {
    for (const t of this.open.values()) t.kill();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((t) => t.close()));
  }
}
