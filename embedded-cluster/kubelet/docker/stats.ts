import type { ContainerStats } from '../runtime/container-runtime.js';
import { statusCode, type Docker } from './docker-api.js';

interface DockerStats {
  read: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/**
 * One sample of a container's CPU and memory, as cAdvisor reports them to the kubelet: the
 * working set is usage minus inactive file pages (cgroup v1 `total_inactive_file`, v2
 * `inactive_file`), the figure the kubelet evicts and `kubectl top` shows on.
 */
export async function containerStats(docker: Docker, id: string): Promise<ContainerStats | undefined> {
  let sample: DockerStats;
  try {
    sample = (await docker.getContainer(id).stats({ stream: false })) as unknown as DockerStats;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
  const usage = sample.memory_stats?.usage;
  if (usage === undefined) return undefined; // not running
  const stats = sample.memory_stats?.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return {
    cpuUsageNanoSeconds: sample.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
    timestamp: Date.parse(sample.read) || Date.now(),
  };
}
