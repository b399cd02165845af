#!/usr/bin/env node
// Plain JavaScript on purpose: it must run on any node to say which node Helsebro needs.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`Helsebro needs Node.js 24 or newer (this is ${process.version}); see README.md "Node 24" for how to get it from the npm registry.`);
  process.exit(1);
}
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
