import { daemonMessage, statusCode, type Docker } from './docker-api.js';

/** Label on the networks this runtime creates. */
export const NETWORK_LABEL = 'dev.kubedesk.network';

/**
 * The cluster's Docker network: a user-defined bridge, so every pod gets its own IP that the host
 * reaches directly on Linux (port-forward and kube-proxy connect to it). Created on first use;
 * Docker picks a free subnet. Resolves to the network's id.
 */
export async function ensureNetwork(docker: Docker, name: string): Promise<string> {
  const existing = await find(docker, name);
  if (existing) return existing;
  try {
    const network = await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [NETWORK_LABEL]: 'true' },
    });
    return network.id;
  } catch (error) {
    // Another runtime on this Docker made it at the same moment.
    if (statusCode(error) === 409) {
      const raced = await find(docker, name);
      if (raced) return raced;
    }
    throw new Error(`cannot create Docker network ${name}: ${daemonMessage(error)}`, { cause: error });
  }
}

async function find(docker: Docker, name: string): Promise<string | undefined> {
  try {
    const info = (await docker.getNetwork(name).inspect()) as { Id: string; Name: string };
    // Inspect also matches id prefixes; insist on the name.
    return info.Name === name ? info.Id : undefined;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The network's IPv4 subnet and gateway (Docker's IPAM); undefined without IPv4. The gateway is
 * the host's side of the bridge, which every pod reaches and nothing outside the host does (where
 * the cluster DNS listens). Docker Desktop reports one too, but there it is inside Docker's VM.
 */
export async function networkAddresses(
  docker: Docker,
  name: string,
): Promise<{ subnet: string; gateway: string } | undefined> {
  const info = (await docker.getNetwork(name).inspect()) as {
    IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] | null };
  };
  const v4 = (info.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
  return v4?.Subnet && v4.Gateway ? { subnet: v4.Subnet, gateway: v4.Gateway } : undefined;
}

/** Remove the network (tests; uninstall). Missing is fine; in use is an error. */
export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getNetwork(name).remove();
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
  }
}
