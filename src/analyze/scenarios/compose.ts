// Helpers scenarios share: collecting pieces into threads, and the standard environment bindings for core calls.
import { deviceModel } from '../env/device.js';
import { driverModel } from '../env/driver.js';
import { transportModel } from '../env/transport.js';
import { envLine, type EnvChoice, type EnvSnippet } from '../env/types.js';
import type { LitmusSpec, LLine, LocType, ThreadSpec } from './litmus-builder.js';
import type { CoreLowerer, FunctionRange, InstanceChoice, LowerRequest, LoweredCall } from './types.js';

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

  /**
   * The vq state an interrupt scenario starts from: the device has completed a buffer (so
   * more_used() is true), and vq->broken is what __vring_new_virtqueue() set for this hardening setting.
   */
  vqWithCompletedBuffer(harden: boolean): void {
    this.init[this.lower.loc('vq->split.vring.used->idx')] = 1;
    this.init[this.lower.loc('vq->last_used_idx')] = 0;
    this.init[this.lower.loc('vq->broken')] = harden ? 1 : 0;
  }

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

  /** The register a lowered thread loads `loc` into first (to state conditions on what the C read). */
  regReading(lines: { text: string }[], loc: string): string | undefined {
    const re = new RegExp(`^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(\\*${loc}|READ_ONCE\\(\\*${loc}\\)|smp_load_acquire\\(${loc}\\))\\s*;`);
    for (const l of lines) {
      const m = re.exec(l.text);
      if (m) return m[1];
    }
    return undefined;
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
    'virtio_config_ops.get_status': (_args, ret) => ({
      lines: ret ? [envLine(`transport:${env.transport}`, 'get_status', `${ret} = READ_ONCE(*dev_status);`, 0, 'status register read')] : [],
      locs: { dev_status: 'int' },
    }),
    'virtio_config_ops.set_status': (args) => t.setStatus(args[1] ?? '0'),
    'virtio_config_ops.reset': () => t.reset(),
    // Notifying the device (the kick's MMIO/PIO write) has no effect on the shared memory a scenario
    // observes; the transports' notify returns true (a false return would break the vq).
    'vring_virtqueue.notify': (_args, ret) => ({
      lines: ret ? [envLine(`transport:${env.transport}`, 'notify', `${ret} = 1;`, 0, 'the transport notify succeeds')] : [],
      locs: {},
    }),
  };
  if (t.synchronizeCbs) callees['virtio_config_ops.synchronize_cbs'] = () => t.synchronizeCbs!();
  if (cb.vq) {
    const f = cb.vq;
    callees['virtqueue.callback'] = () => f('rstate');
  }
  if (cb.config) {
    const f = cb.config;
    callees['virtio_driver.config_changed'] = () => f('rstate');
  }
  for (const a of t.assumptions) c.assume(a);
  return callees;
}

/** One instance of a scenario: its label names what it models and the hardening setting, as its environment does. */
export function instance(what: string, env: Omit<EnvChoice, 'harden'>, harden: boolean): InstanceChoice {
  return { label: `${what}, hardening ${harden ? 'on' : 'off'}`, env: { ...env, harden } };
}

/** The driver, device and transport models an instance names, with the lowering settings they imply. */
export function envModels(env: EnvChoice) {
  return {
    drv: driverModel(env.driver),
    dev: deviceModel(env.device),
    t: transportModel(env.transport),
    constants: envConstants(),
    config: envConfig(env),
  };
}

/** Field values every instance fixes: a split ring without event index, plus the scenario's own. */
export function envConstants(extra: Record<string, number> = {}): Record<string, number> {
  return {
    'vq->packed_ring': 0,
    'vq->event': 0,
    ...extra,
  };
}

export function envConfig(env: EnvChoice): Record<string, boolean> {
  return { [HARDEN]: env.harden };
}

export { deviceModel, driverModel, transportModel };
