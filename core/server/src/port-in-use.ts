import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { AppError } from './errors/app-error.ts';

/** The process holding a TCP or UDP port, as far as this system lets us see (Linux /proc; undefined elsewhere). */
export function portHolder(port: number, protocol: 'tcp' | 'udp' = 'tcp'): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const table of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // tcp: LISTEN (0A) only; udp: any bound socket (07, "closed", is how a bound UDP socket shows).
      if (!local || (protocol === 'tcp' && fields[3] !== '0A')) continue;
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port && fields[9] && fields[9] !== '0') inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process: not ours to look at
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '?';
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          // gone meanwhile
        }
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}

/** "port 8780 on 127.0.0.1 is in use by pid 4242 (node core/server/src/main.ts)" — what start-up says when a bind fails. */
export function portInUseError(what: string, host: string, port: number, protocol: 'tcp' | 'udp', hint: string): AppError {
  const holder = portHolder(port, protocol);
  const by = holder ? ` by pid ${holder.pid} (${holder.command.replace(/\s+/g, ' ').slice(0, 200)})` : ' by another process';
  return new AppError('PORT_IN_USE', `${what}: port ${port} on ${host} is in use${by}. ${hint}`, { port, host, protocol, ...(holder ? { pid: holder.pid } : {}) });
}

/**
 * For a bind that failed with EADDRINUSE anywhere in an error's cause chain (a plugin's DNS server, say): a line
 * naming the port and the process holding it. Undefined for other errors and for PORT_IN_USE, which says it already.
 */
export function explainAddressInUse(error: unknown): string | undefined {
  for (let e = error as (NodeJS.ErrnoException & { address?: string; port?: number; cause?: unknown }) | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if ((e as { code?: string }).code === 'PORT_IN_USE') return undefined;
    const match = /EADDRINUSE\D*?([\w.:[\]-]+?):(\d{1,5})\b/.exec(String(e.message ?? ''));
    const port = e.port ?? (match ? Number(match[2]) : undefined);
    if ((e.code === 'EADDRINUSE' || match) && port) {
      const holder = portHolder(port, 'tcp') ?? portHolder(port, 'udp');
      const where = `${e.address ?? match?.[1] ?? ''}:${port}`;
      return `Port ${where} is in use${holder ? ` by pid ${holder.pid} (${holder.command.replace(/\s+/g, ' ').slice(0, 200)})` : ' by another process'}: stop it, or configure another port.`;
    }
  }
  return undefined;
}
