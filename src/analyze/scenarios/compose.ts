// Helpers scenarios share: collecting pieces into threads, and the standard environment bindings for core calls.
import { deviceModel } from '../env/device.js';
import { driverModel } from '../env/driver.js';
import { transportModel } from '../env/transport.js';
import { envLine, type EnvChoice, type EnvSnippet } from '../env/types.js';
import type { LitmusSpec, LLine, LocType, ThreadSpec } from './litmus-builder.js';
import type { CoreLowerer, FunctionRange, LowerRequest, LoweredCall } from './types.js';

/** Accumulates the pieces of a scenario: threads, locations, init values, assumptions, problems. */
export class Composer {
  readonly locTypes: Record<string, LocType> = {};
  readonly init: Record<string, number> = {};
  readonly threads: ThreadSpec[] = [];
  readonly assumptions: string[] = [];
  readonly unsupported: string[] = [];
  readonly functions: FunctionRange[] = [];
  private regCount = 0;

  constructor(readonly lower: CoreLowerer) {}

  /** A fresh register prefix for one lowered call. */
  prefix(): string {
    return `c${this.regCount++}_`;
  }

  env(s: EnvSnippet): LLine[] {
    Object.assign(this.locTypes, s.locs);
    for (const [k, v] of Object.entries(s.init ?? {})) this.init[k] = v;
    for (const a of s.assumptions ?? []) this.assume(a);
    return s.lines;
  }

  call(req: Omit<LowerRequest, 'regPrefix'>): LLine[] {
    const r: LoweredCall = this.lower.lower({ ...req, regPrefix: this.prefix() });
    Object.assign(this.locTypes, r.locs);
    for (const [k, v] of Object.entries(r.init)) if (!(k in this.init)) this.init[k] = v;
    for (const a of r.assumptions) this.assume(a);
    for (const u of r.unsupported) if (!this.unsupported.includes(u)) this.unsupported.push(u);
    for (const f of r.functions)
      if (!this.functions.some((g) => g.fn === f.fn && g.file === f.file)) this.functions.push(f);
    return r.lines;
  }

  assume(a: string): void {
    if (!this.assumptions.includes(a)) this.assumptions.push(a);
  }

  thread(title: string, lines: LLine[]): number {
    this.threads.push({ title, lines });
    return this.threads.length - 1;
  }

  spec(name: string, comment: string[], condition: string): LitmusSpec {
    return { name, comment, init: { ...this.init }, locTypes: { ...this.locTypes }, threads: this.threads, condition };
  }
}

export const HARDEN = 'CONFIG_VIRTIO_HARDEN_NOTIFICATION';

/**
 * The environment's answers for the indirect calls the virtio core makes: transport ops, the vq
 * callback and config_changed of the driver. `cb` lets a scenario choose what the callbacks do.
 */
export function envCallees(
  c: Composer,
  env: EnvChoice,
  cb: { vq?: (reg: string) => EnvSnippet; config?: (reg: string) => EnvSnippet } = {},
): LowerRequest['callees'] {
  const t = transportModel(env.transport);
  const callees: LowerRequest['callees'] = {
    'dev->config->get_status': (_args, ret) => ({
      lines: ret ? [envLine(`transport:${env.transport}`, 'get_status', `${ret} = READ_ONCE(*dev_status);`, 0, 'status register read')] : [],
      locs: { dev_status: 'int' },
    }),
    'dev->config->set_status': (args) => t.setStatus(args[1] ?? '0'),
    'dev->config->reset': () => t.reset(),
  };
  if (t.synchronizeCbs) callees['dev->config->synchronize_cbs'] = () => t.synchronizeCbs!();
  if (cb.vq) {
    const f = cb.vq;
    callees['vq->vq.callback'] = () => f('rstate');
    callees['_vq->callback'] = () => f('rstate');
  }
  if (cb.config) {
    const f = cb.config;
    callees['drv->config_changed'] = () => f('rstate');
  }
  for (const a of t.assumptions) c.assume(a);
  return callees;
}

/** Field values the environment fixes: which transport ops exist, split ring without event index, one vq. */
export function envConstants(env: EnvChoice, extra: Record<string, number> = {}): Record<string, number> {
  return {
    'dev->config->synchronize_cbs': transportModel(env.transport).synchronizeCbs ? 1 : 0,
    'dev->config->enable_cbs': 0,
    'vq->packed_ring': 0,
    'vq->event': 0,
    'vq->vq.callback': 1,
    'drv': 1,
    'drv->config_changed': 1,
    ...extra,
  };
}

export function envConfig(env: EnvChoice): Record<string, boolean> {
  return { [HARDEN]: env.harden };
}

export { deviceModel, driverModel, transportModel };
