import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Component tests import .vue files.
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    // Suites start real processes (etcd, children to SIGKILL): keep them in
    // separate processes, and no more at once than the two cores here.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Clusters that suites start as processes (`kubedesk serve`, `kubedesk ui`) leave the host's
    // ports 80/443 and its iptables alone: many run side by side here, and the networking suites
    // run kube-proxy and the ingress themselves, one at a time (test/support/host-lock.ts).
    env: { KUBEDESK_HOST_NETWORKING: 'off' },
  },
});
