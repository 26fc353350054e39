/**
 * Real git repositories for tests, in a temporary folder: a work tree with one commit (a README) and a bare
 * repository as its `origin`. Remove them with `remove()` in afterAll.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env, GIT_AUTHOR_NAME: 'Operator', GIT_AUTHOR_EMAIL: 'op@example.test', GIT_COMMITTER_NAME: 'Operator', GIT_COMMITTER_EMAIL: 'op@example.test' };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env, encoding: 'utf8' }).trim();
}

export interface TestRepo {
  root: string;
  workTree: string;
  bare: string;
  git(...args: string[]): string;
  /** `<directory>/*.yaml` of the work tree: file name → text. */
  files(directory?: string): Record<string, string>;
  /** A second clone of the bare repository (another writer). */
  clone(name: string): string;
  /**
   * A fake kubectl: a shell script that appends its argv (and stdin for `-f -`) to `log`, and fails for calls
   * whose arguments contain the text in `failWhen` (when that file exists).
   */
  fakeKubectl(): { command: string; log: string; failWhen: string; calls(): string[] };
  remove(): void;
}

export function createTestRepo(): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'portico-istio-git-'));
  const workTree = join(root, 'work');
  const bare = join(root, 'remote.git');
  git(root, 'init', '--quiet', '--bare', '-b', 'main', bare);
  git(root, 'init', '--quiet', '-b', 'main', workTree);
  writeFileSync(join(workTree, 'README.md'), '# cluster config\n');
  git(workTree, 'add', 'README.md');
  git(workTree, 'commit', '--quiet', '-m', 'initial');
  git(workTree, 'remote', 'add', 'origin', bare);
  git(workTree, 'push', '--quiet', '-u', 'origin', 'main');
  return {
    root,
    workTree,
    bare,
    git: (...args) => git(workTree, ...args),
    files(directory = 'portico') {
      const dir = join(workTree, directory);
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        return {};
      }
      return Object.fromEntries(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    },
    clone(name) {
      const path = join(root, name);
      git(root, 'clone', '--quiet', bare, path);
      return path;
    },
    fakeKubectl() {
      const command = join(root, 'kubectl');
      const log = join(root, 'kubectl.log');
      const failWhen = join(root, 'kubectl.fail');
      writeFileSync(
        command,
        [
          '#!/bin/sh',
          `log='${log}'`,
          `fail='${failWhen}'`,
          'printf "argv:" >> "$log"; for a in "$@"; do printf " %s" "$a" >> "$log"; done; printf "\\n" >> "$log"',
          'case " $* " in *" -f - "*) printf "stdin:\\n" >> "$log"; cat >> "$log";; esac',
          'if [ -e "$fail" ]; then pattern=$(cat "$fail"); case "$*" in *"$pattern"*) echo "error: the server refused $pattern" >&2; exit 1;; esac; fi',
          'exit 0',
          '',
        ].join('\n'),
      );
      chmodSync(command, 0o755);
      return {
        command,
        log,
        failWhen,
        calls: () => {
          try {
            return readFileSync(log, 'utf8').split('argv:').slice(1).map((c) => c.trim());
          } catch {
            return [];
          }
        },
      };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
