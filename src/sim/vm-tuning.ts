// V8 tuning for the `ringside litmus` process: delay optimizing compilation until code is really hot.
/*
 * A typical run judges a few hundred candidate executions in well under a second. With V8's default
 * interrupt budget, dozens of functions reach TurboFan within the first hundred milliseconds, and compiling
 * them (on a machine with few cores) costs more than the rest of the run; a larger budget leaves short runs
 * in the interpreter and baseline code while long explorations still get optimized code (measured: whole
 * upstream suite ~0.6 s -> ~0.42 s wall; a 4-thread lock test unchanged or faster; re-measured with the
 * bundled bin and its code cache: default budget ~1.6x the wall time of this one). Imported first by
 * command.ts, so it applies before any engine code runs; it only affects this process.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * The flags set here. The installed bin (src/bin/ringside.cts) sets the same string before compiling the
 * bundle, because V8 keys its code cache on the flags: test/cli checks that the two agree.
 */
export const V8_FLAGS = '--interrupt-budget=1000000';

setFlagsFromString(V8_FLAGS);
