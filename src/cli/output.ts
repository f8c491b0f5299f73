/**
 * Where command output goes. Results go to stdout; with `--json`, stdout carries only the JSON
 * document and everything meant for people (progress, hints) moves to stderr, so
 * `datadog ... --json | jq` always parses.
 */

/** The stream for human-readable messages of a command. */
export function humanStream(json: boolean | undefined): NodeJS.WriteStream {
  return json ? process.stderr : process.stdout;
}

/** Prints a value as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
