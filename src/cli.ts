/**
 * `helsebro serve` (default). Further commands (convert, validate) arrive with their issues.
 */
import { serve } from './server.ts';

export async function main(args: string[]): Promise<void> {
  const [command = 'serve'] = args;
  switch (command) {
    case 'serve':
      await serve();
      return;
    default:
      console.error(`unknown command '${command}'. Usage: helsebro serve`);
      process.exit(2);
  }
}
