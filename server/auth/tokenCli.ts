// Issues relay tokens: `npx tsx server/auth/tokenCli.ts --role operator --sub alice --ttl 3600`.
// The work is in tokenCommand.ts; this file only binds it to the process.
import { runTokenCommand } from './tokenCommand.ts';

process.exitCode = await runTokenCommand(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
