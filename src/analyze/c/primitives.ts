// The one mapping table from kernel primitives and APIs to linux-kernel.def primitives, one line of why per entry.
import { C, L, type LExpr, type LStmt, type SrcPos } from './lstmt.js';

/**
 * How a linux-kernel.def primitive is written in a litmus test. `deref`: the .def body uses its
 * location argument X directly in __load/__store (READ_ONCE(X) __load{once}(X)), so the test writes
 * `*x`; otherwise the body dereferences it (smp_load_acquire(X) __load{acquire}(*X)) and the test
 * writes `x`. `loc` is the index of the location argument; `values` the number of other arguments.
 */
export interface DefPrimitive {
  kind: 'load' | 'store' | 'fence' | 'lock' | 'rmw';
  deref: boolean;
  loc: number;
  values: number;
  returns: boolean;
}

const load = (deref: boolean): DefPrimitive => ({ kind: 'load', deref, loc: 0, values: 0, returns: true });
const store = (deref: boolean): DefPrimitive => ({ kind: 'store', deref, loc: 0, values: 1, returns: false });
const fence: DefPrimitive = { kind: 'fence', deref: false, loc: 0, values: 0, returns: false };
const rmw = (loc: number, values: number, returns: boolean): DefPrimitive => ({ kind: 'rmw', deref: false, loc, values, returns });

/** Every primitive of tools/memory-model/linux-kernel.def (6.1 and 6.12 define the same set used here). */
export const DEF_PRIMITIVES: Record<string, DefPrimitive> = {
  READ_ONCE: load(true),
  WRITE_ONCE: store(true),
  smp_load_acquire: load(false),
  smp_store_release: store(false),
  rcu_dereference: load(true),
  rcu_assign_pointer: store(true),
  smp_store_mb: store(true),
  atomic_read: load(false),
  atomic_set: store(false),
  atomic_read_acquire: load(false),
  atomic_set_release: store(false),
  smp_mb: fence,
  smp_rmb: fence,
  smp_wmb: fence,
  smp_mb__before_atomic: fence,
  smp_mb__after_atomic: fence,
  smp_mb__after_spinlock: fence,
  smp_mb__after_unlock_lock: fence,
  smp_mb__after_srcu_read_unlock: fence,
  barrier: fence,
  rcu_read_lock: fence,
  rcu_read_unlock: fence,
  synchronize_rcu: fence,
  synchronize_rcu_expedited: fence,
  spin_lock: { kind: 'lock', deref: false, loc: 0, values: 0, returns: false },
  spin_unlock: { kind: 'lock', deref: false, loc: 0, values: 0, returns: false },
  spin_trylock: rmw(0, 0, true),
  spin_is_locked: rmw(0, 0, true),
  xchg: rmw(0, 1, true),
  xchg_relaxed: rmw(0, 1, true),
  xchg_release: rmw(0, 1, true),
  xchg_acquire: rmw(0, 1, true),
  cmpxchg: rmw(0, 2, true),
  cmpxchg_relaxed: rmw(0, 2, true),
  cmpxchg_acquire: rmw(0, 2, true),
  cmpxchg_release: rmw(0, 2, true),
  srcu_read_lock: rmw(0, 0, true),
  srcu_read_unlock: rmw(0, 1, false),
  srcu_down_read: rmw(0, 0, true),
  srcu_up_read: rmw(0, 1, false),
  synchronize_srcu: rmw(0, 0, false),
  synchronize_srcu_expedited: rmw(0, 0, false),
  atomic_add: rmw(1, 1, false),
  atomic_sub: rmw(1, 1, false),
  atomic_inc: rmw(0, 0, false),
  atomic_dec: rmw(0, 0, false),
  atomic_xchg: rmw(0, 1, true),
  atomic_xchg_relaxed: rmw(0, 1, true),
  atomic_xchg_release: rmw(0, 1, true),
  atomic_xchg_acquire: rmw(0, 1, true),
  atomic_cmpxchg: rmw(0, 2, true),
  atomic_cmpxchg_relaxed: rmw(0, 2, true),
  atomic_cmpxchg_acquire: rmw(0, 2, true),
  atomic_cmpxchg_release: rmw(0, 2, true),
  atomic_sub_and_test: rmw(1, 1, true),
  atomic_dec_and_test: rmw(0, 0, true),
  atomic_inc_and_test: rmw(0, 0, true),
  atomic_add_negative: rmw(1, 1, true),
};
for (const op of ['add', 'sub', 'inc', 'dec']) {
  const v = op === 'add' || op === 'sub' ? 1 : 0;
  for (const form of [`atomic_${op}_return`, `atomic_fetch_${op}`]) {
    for (const sfx of ['', '_relaxed', '_acquire', '_release']) DEF_PRIMITIVES[form + sfx] = rmw(v, v, true);
  }
}

/** One row of the table for kernel APIs that linux-kernel.def does not define. */
export interface ApiMapping {
  /** What it becomes (for the documentation and the review's assumptions). */
  becomes: string;
  /** Why that is a faithful model. */
  why: string;
}

/**
 * Kernel APIs without a .def entry, and what the lowering turns them into. The lowering's behaviour
 * for each is implemented in `lowerApi` below, keyed by the same names.
 */
export const API_MAP: Record<string, ApiMapping> = {
  virtio_mb: {
    becomes: 'smp_mb()',
    why: 'weak_barriers=true: virtio_mb is smp_mb; false: mb(), at least as strong between CPUs, and the device is modelled as a CPU thread on coherent memory, so smp_mb is the part LKMM can see',
  },
  virtio_rmb: {
    becomes: 'smp_rmb()',
    why: 'weak_barriers=true: smp_rmb; false: dma_rmb(), which orders the same reads of coherent memory the device thread writes, so smp_rmb again',
  },
  virtio_wmb: {
    becomes: 'smp_wmb()',
    why: 'weak_barriers=true: smp_wmb; false: dma_wmb(), which orders the same writes to coherent memory for the device thread, so smp_wmb again',
  },
  virtio_store_mb: {
    becomes: 'smp_store_mb(*p, v)',
    why: 'weak_barriers=true: smp_store_mb; false: WRITE_ONCE then mb(), the same store-then-full-fence shape',
  },
  spin_lock_irqsave: {
    becomes: 'spin_lock(l)',
    why: 'masking local interrupts only stops a handler on this CPU; the model runs handlers as other CPUs, so only the lock orders anything',
  },
  spin_unlock_irqrestore: { becomes: 'spin_unlock(l)', why: 'restoring the local irq state orders nothing across CPUs; the release of the lock does' },
  spin_lock_irq: { becomes: 'spin_lock(l)', why: 'unconditional local irq masking, otherwise the same as spin_lock_irqsave' },
  spin_unlock_irq: { becomes: 'spin_unlock(l)', why: 'unmasking local irqs orders nothing across CPUs; the lock release does' },
  spin_lock_bh: { becomes: 'spin_lock(l)', why: 'softirq masking is local to the CPU; only the lock orders accesses between CPUs' },
  spin_unlock_bh: { becomes: 'spin_unlock(l)', why: 'softirq unmasking is local to the CPU; the lock release is the ordering' },
  raw_spin_lock: { becomes: 'spin_lock(l)', why: 'a raw spinlock differs only for PREEMPT_RT sleeping; its ordering is a spinlock\'s' },
  raw_spin_unlock: { becomes: 'spin_unlock(l)', why: 'a raw spinlock release orders exactly like spin_unlock' },
  raw_spin_lock_irqsave: { becomes: 'spin_lock(l)', why: 'a raw lock plus local irq masking: the lock alone orders between CPUs' },
  raw_spin_unlock_irqrestore: { becomes: 'spin_unlock(l)', why: 'a raw lock release plus local irq restore: the release is the ordering' },
  kfree: {
    becomes: 'WRITE_ONCE(*<obj>_freed, 1) (ghost)',
    why: 'freeing is a write that any later access to the object conflicts with; scenarios test <obj>_freed in their condition',
  },
  request_irq: {
    becomes: 'spin_lock(irq_desc_lock); spin_unlock(irq_desc_lock)',
    why: 'request_irq installs the handler under the irq descriptor lock; a handler that runs afterwards takes the same lock on entry, so the release orders the driver\'s earlier setup before it',
  },
  free_irq: {
    becomes: 'spin_lock(irq_desc_lock); spin_unlock(irq_desc_lock); synchronize_rcu()',
    why: 'free_irq removes the action under the descriptor lock and then waits for running handlers like synchronize_irq',
  },
  synchronize_irq: {
    becomes: 'synchronize_rcu()',
    why: 'it returns only after every handler that was in progress (IRQD_IRQ_INPROGRESS / threads_active) finished; hard-irq handlers are RCU read-side sections (since v5.0), so a grace period gives exactly that wait plus the full barrier',
  },
  disable_irq: {
    becomes: 'spin_lock(irq_desc_lock); spin_unlock(irq_desc_lock); synchronize_rcu()',
    why: 'disable_irq masks the line under the descriptor lock and then synchronize_irq()s',
  },
  disable_irq_nosync: {
    becomes: 'spin_lock(irq_desc_lock); spin_unlock(irq_desc_lock)',
    why: 'it masks the line under the descriptor lock and does not wait for a running handler',
  },
  enable_irq: {
    becomes: 'spin_lock(irq_desc_lock); spin_unlock(irq_desc_lock)',
    why: 'it unmasks the line under the descriptor lock, which a later handler entry takes too',
  },
  'irq-entry': {
    becomes: 'spin_lock(irq_desc_lock); spin_unlock(irq_desc_lock); rcu_read_lock()',
    why: 'handle_irq_event marks the irq in progress under the descriptor lock, and the hard-irq handler is an RCU read-side critical section (true since v5.0)',
  },
  'irq-exit': { becomes: 'rcu_read_unlock()', why: 'returning from the hard-irq handler ends its RCU read-side critical section' },
  'status-write': {
    becomes: 'pci/mmio: smp_store_release(dev_status, v) — ccw: smp_mb(); WRITE_ONCE(*dev_status, v)',
    why: 'iowrite8/writel are ordered after the CPU\'s earlier memory writes as seen by the device and by what the device then causes on other CPUs (its interrupt): a cumulative ordering, which a release store gives and smp_wmb() (not A-cumulative) does not; ccw submits a channel program and waits (serialising), hence a full fence',
  },
  'status-read': {
    becomes: 'r = READ_ONCE(*dev_status)',
    why: 'ioread8/readl of the status register is a single marked read of what the device holds',
  },
  data_race: {
    becomes: 'the access marked ONCE, flagged racy',
    why: 'data_race() says the race is intended (KCSAN); as a marked access it raises no LKMM data-race flag, and the code does not rely on its ordering',
  },
};

/** Context a mapped API needs from the lowering. */
export interface ApiContext {
  site: SrcPos;
  /** The location the first argument points to (a lock, or the object's freed ghost), if any. */
  loc?: string;
  /** The object (instance) the first argument points to, if any. */
  object?: string;
  /** The irq descriptor lock location. */
  irqDescLock: string;
}

/** Statements for a mapped API (names of API_MAP that are calls), or undefined when it is not one. */
export function lowerApi(name: string, ctx: ApiContext): LStmt[] | undefined {
  const s = ctx.site;
  const desc = () => [L.lock(ctx.irqDescLock, s), L.unlock(ctx.irqDescLock, s)];
  const why = (st: LStmt[]) => {
    for (const x of st) x.note ??= name;
    return st;
  };
  switch (name) {
    case 'virtio_mb':
      return why([L.fence('smp_mb', s)]);
    case 'virtio_rmb':
      return why([L.fence('smp_rmb', s)]);
    case 'virtio_wmb':
      return why([L.fence('smp_wmb', s)]);
    case 'request_irq':
    case 'disable_irq_nosync':
    case 'enable_irq':
      return why(desc());
    case 'free_irq':
    case 'disable_irq':
      return why([...desc(), L.fence('synchronize_rcu', s)]);
    case 'synchronize_irq':
      return why([L.fence('synchronize_rcu', s)]);
    case 'kfree':
      if (!ctx.object) return undefined;
      return [{ k: 'store', prim: 'WRITE_ONCE', loc: `${ctx.object}_freed`, value: C(1), src: s, note: 'kfree ghost write' }];
  }
  const lockish = /^(raw_)?spin_(lock|unlock)(_irqsave|_irqrestore|_irq|_bh)?$/.exec(name);
  if (lockish && ctx.loc) return why([lockish[2] === 'lock' ? L.lock(ctx.loc, s) : L.unlock(ctx.loc, s)]);
  return undefined;
}

/** Interrupt entry, for the scenario's handler thread: descriptor lock handshake, then an RCU read-side section. */
export function irqEntry(site: SrcPos, irqDescLock = 'irq_desc_lock'): LStmt[] {
  return [L.lock(irqDescLock, site), L.unlock(irqDescLock, site), L.fence('rcu_read_lock', site)].map((x) => ({ ...x, note: 'irq entry' }));
}

export function irqExit(site: SrcPos): LStmt[] {
  return [{ ...L.fence('rcu_read_unlock', site), note: 'irq exit' }];
}

/** A status write the device observes, with the transport's ordering (see API_MAP['status-write']). */
export function deviceStatusWrite(transport: 'pci' | 'mmio' | 'ccw', loc: string, value: LExpr, site: SrcPos): LStmt[] {
  if (transport !== 'ccw') return [{ ...L.storeRelease(loc, value, site), note: `${transport} status write seen by the device` }];
  return [
    { ...L.fence('smp_mb', site), note: 'ccw channel program (serialising)' },
    { ...L.writeOnce(loc, value, site), note: 'status write seen by the device' },
  ];
}

export function deviceStatusRead(reg: string, loc: string, site: SrcPos): LStmt[] {
  return [{ ...L.readOnce(reg, loc, site), note: 'status read from the device' }];
}

/** Documentation of the whole table as text lines (for docs and the review's assumptions). */
export function describeApiMap(): string[] {
  return Object.entries(API_MAP).map(([k, v]) => `${k} → ${v.becomes}: ${v.why}`);
}
