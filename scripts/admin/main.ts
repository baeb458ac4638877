// `npm run admin -- <command>`: the commands are in scripts/admin/commands.ts; `--help` lists them.
import { CliError, help, parse } from './cli';
import { COMMANDS } from './commands';

async function main(argv: string[]) {
  const parsed = parse(COMMANDS, argv);
  if (parsed === 'help') console.log(help(COMMANDS));
  else await parsed.command.run(parsed.ctx);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof CliError && err.showHelp) console.error(`\n${help(COMMANDS)}`);
    process.exit(err instanceof CliError ? err.exitCode : 1);
  },
);
