/**
 * Sends an Asterisk queue_log file to Floorboard: replays it once (with a progress bar) or follows it
 * like `tail -F`. See `--help` and docs/asterisk.md.
 */
import { main } from './queue-log/cli.ts';

process.exitCode = await main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
