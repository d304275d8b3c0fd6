import { spawn } from 'node:child_process';
import { HOOKS, ourChains, renderCleanup, type Hook } from './iptables-rules.js';

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with optional stdin; replaced in tests. Never rejects for a non-zero exit. */
export type CommandRunner = (command: string, args: string[], input?: string) => Promise<CommandResult>;

/** Run a program, feeding `input` to its stdin; a missing program resolves with code 127. */
export const runCommand: CommandRunner = (command, args, input) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {}); // the program may exit before reading
    child.stdin.end(input ?? '');
  });

/**
 * Which iptables binaries: the plain ones follow the system's alternative; `-nft` and `-legacy`
 * pin a backend. Rules only interplay with Docker's when both use the same backend.
 */
export type IptablesVariant = 'iptables' | 'iptables-nft' | 'iptables-legacy';

/** An iptables command failed: the command line and what it said. */
export class IptablesError extends Error {
  constructor(command: string, result: CommandResult) {
    super(`${command} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'IptablesError';
  }
}

/**
 * The iptables of this host, as kube-proxy's `utiliptables.Interface`: atomic restores of our
 * chains, the hooks from built-in chains kept in place, and clean-up. Every command waits for the
 * xtables lock (`-w`), since Docker edits the same tables.
 */
export class Iptables {
  private readonly run: CommandRunner;

  constructor(
    readonly variant: IptablesVariant = 'iptables',
    run: CommandRunner = runCommand,
  ) {
    this.run = run;
  }

  /** Apply `text` with `iptables-restore --noflush`: one transaction per table; other chains untouched. */
  async restore(text: string): Promise<void> {
    if (!text) return;
    const command = `${this.variant}-restore`;
    const result = await this.run(command, ['-w', '5', '--noflush'], text);
    if (result.code !== 0) throw new IptablesError(command, result);
  }

  /** `iptables-save` of one table. */
  async save(table: 'nat' | 'filter'): Promise<string> {
    const command = `${this.variant}-save`;
    const result = await this.run(command, ['-t', table]);
    if (result.code !== 0) throw new IptablesError(command, result);
    return result.stdout;
  }

  /**
   * Put each hook in place at the top of its chain unless it is there (kube-proxy's `EnsureRule`).
   * One `iptables-save` per table says which are: a `-C` per hook was a process each, five per
   * sync on the cluster's main thread.
   */
  async ensureHooks(hooks: readonly Hook[] = HOOKS): Promise<void> {
    const saved = new Map<Hook['table'], string>();
    for (const hook of hooks) {
      if (!saved.has(hook.table)) saved.set(hook.table, await this.save(hook.table));
      if (savedRules(saved.get(hook.table)!, hook.chain).some((rule) => sameRule(rule, hook.rule))) continue;
      const args = ['-w', '5', '-t', hook.table, '-I', hook.chain, '1', ...hook.rule];
      const result = await this.run(this.variant, args);
      if (result.code !== 0) throw new IptablesError(`${this.variant} ${args.join(' ')}`, result);
    }
  }

  /** Remove every copy of each hook. */
  async removeHooks(hooks: readonly Hook[] = HOOKS): Promise<void> {
    const saved = new Map<Hook['table'], string>();
    for (const hook of hooks) {
      if (!saved.has(hook.table)) saved.set(hook.table, await this.save(hook.table));
      const copies = savedRules(saved.get(hook.table)!, hook.chain).filter((rule) =>
        sameRule(rule, hook.rule),
      ).length;
      for (let i = 0; i < copies; i++)
        await this.run(this.variant, ['-w', '5', '-t', hook.table, '-D', hook.chain, ...hook.rule]);
    }
  }

  /** Remove everything of ours: the hooks, then every `KUBEDESK-*` chain (a crashed run's too). */
  async cleanup(): Promise<void> {
    await this.removeHooks();
    const nat = ourChains(await this.save('nat')).nat;
    const filter = ourChains(await this.save('filter')).filter;
    await this.restore(renderCleanup({ nat, filter }));
  }

  /** The `KUBEDESK-*` chains that exist in table nat. */
  async natChains(): Promise<string[]> {
    return ourChains(await this.save('nat')).nat;
  }
}

/** The rules of `chain` in `iptables-save` output, each as its arguments after `-A <chain>`. */
export function savedRules(saved: string, chain: string): string[][] {
  const prefix = `-A ${chain} `;
  return saved
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) =>
      [...line.slice(prefix.length).matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
        m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!,
      ),
    );
}

function sameRule(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

/**
 * The backend Docker programs, so our rules and its rules share tables: `-legacy` when only the
 * legacy tables hold Docker's chains, else the system default.
 */
export async function detectVariant(run: CommandRunner = runCommand): Promise<IptablesVariant> {
  const holdsDocker = async (variant: IptablesVariant) => {
    const result = await run(`${variant}-save`, ['-t', 'nat']);
    return result.code === 0 && result.stdout.includes(':DOCKER');
  };
  if ((await holdsDocker('iptables-legacy')) && !(await holdsDocker('iptables-nft')))
    return 'iptables-legacy';
  return 'iptables';
}
