// Entry of the bundled `ringside litmus` (dist/ringside-litmus.cjs): the same program cli.ts builds, with only the litmus stage.
import { litmusCommand } from '../sim/command.js';
import { newProgram, runProgram } from './program.js';

export { testsJudged } from '../sim/command.js';

/** Called by the bin once the bundle is evaluated; the bin has checked that the stage is `litmus`. */
export function main(): void {
  const program = newProgram();
  litmusCommand(program);
  runProgram(program);
}
