import { readdir, readFile, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';

/**
 * Hairpin mode on the pods' bridge, as the kubelet's `--hairpin-mode=hairpin-veth` sets it. A pod
 * reaching itself through its own Service sends a frame to the gateway; with `br_netfilter` the
 * DNAT back to the pod happens while the frame is still being bridged, so the bridge must send it
 * out of the port it came in on, which it refuses unless the port is in hairpin mode. Docker does
 * not set it on user-defined bridges (it does only when its userland proxy is off).
 */
export class Hairpin {
  constructor(
    private readonly gatewayIp: string,
    private readonly sysfs = '/sys/class/net',
    private readonly addresses: () => Record<string, string[]> = interfaceAddresses,
  ) {}

  /** The bridge interface holding the gateway address, if it is on this host. */
  bridge(): string | undefined {
    for (const [name, list] of Object.entries(this.addresses()))
      if (list.includes(this.gatewayIp)) return name;
    return undefined;
  }

  /** Put every port of the bridge in hairpin mode; resolves to the ports changed. */
  async enable(): Promise<string[]> {
    const bridge = this.bridge();
    if (!bridge) return [];
    const dir = join(this.sysfs, bridge, 'brif');
    const ports = await readdir(dir).catch(() => [] as string[]);
    const changed: string[] = [];
    for (const port of ports) {
      const file = join(dir, port, 'hairpin_mode');
      try {
        if ((await readFile(file, 'utf8')).trim() === '1') continue;
        await writeFile(file, '1');
        changed.push(port);
      } catch {
        // the port left the bridge (its pod stopped) while we looked
      }
    }
    return changed;
  }
}

function interfaceAddresses(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(networkInterfaces()))
    result[name] = (list ?? []).map((i) => i.address);
  return result;
}
