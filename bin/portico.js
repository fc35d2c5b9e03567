#!/usr/bin/env node
// The `portico` command. Sources are TypeScript run through tsx's loader, so `npx portico` works
// right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/headless/cli.ts');
process.exitCode = await main(process.argv.slice(2));
