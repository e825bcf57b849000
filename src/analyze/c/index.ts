// The C front-end's public surface: parse the virtio core, lower functions to litmus statements, print them.
export { parseCore, lowerCall, printLitmusThread, printExpr } from './lower.js';
export type { CoreProgram, LowerOptions, Lowered, CallModel, CallModelContext, CallModelResult, CallArg, Unsupported } from './lower.js';
export * from './lstmt.js';
export type { CFunction, CParam, CType } from './functions.js';
export { prepare, configSymbols, type ConfigMap } from './kernelisms.js';
export { API_MAP, DEF_PRIMITIVES, describeApiMap, irqEntry, irqExit, deviceStatusWrite, deviceStatusRead, lowerApi } from './primitives.js';
