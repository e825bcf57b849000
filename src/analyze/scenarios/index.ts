// The scenario catalogue, in the order of DESIGN.md §7.
import { breakVsIrq } from './break-vs-irq.js';
import { deviceReadyOrdering } from './device-ready-ordering.js';
import { notificationSuppression } from './notification-suppression.js';
import { probeVsVringIrq } from './probe-vs-vring-irq.js';
import { removeVsConfigChange } from './remove-vs-config-change.js';
import { resetVsVringIrq } from './reset-vs-vring-irq.js';
import { ringProtocol } from './ring-protocol.js';
import type { Scenario } from './types.js';

export const SCENARIOS: Scenario[] = [
  probeVsVringIrq,
  resetVsVringIrq,
  removeVsConfigChange,
  breakVsIrq,
  deviceReadyOrdering,
  ringProtocol,
  notificationSuppression,
];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id || String(s.number) === id);
}
