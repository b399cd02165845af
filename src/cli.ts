/**
 * `helsebro serve` (default) and `helsebro validate FILE... [--profile URL] [--ig PATH] [--unknown-extensions error|warning]` (src/fhir/validation/cli.ts).
 * Further commands (convert) arrive with their issues.
 */
import { runValidate } from './fhir/validation/cli.ts';
import { bootFailed, serve } from './server.ts';

export async function main(args: string[]): Promise<void> {
  const [command = 'serve', ...rest] = args;
  switch (command) {
    case 'serve':
      await serve().catch(bootFailed);
      return;
    case 'validate':
      process.exitCode = runValidate(rest);
      return;
    default:
      console.error(`unknown command '${command}'. Usage: helsebro serve | helsebro validate FILE... [--profile URL] [--ig PATH] [--unknown-extensions error|warning]`);
      process.exit(2);
  }
}
