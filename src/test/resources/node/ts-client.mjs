// Drives an MCP endpoint with the official TypeScript SDK client and prints what it saw as one JSON document.
// Usage: node ts-client.mjs URL PREFIX   (PREFIX is put before tool and prompt names, e.g. "everything__" or "")
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, prefix = ""] = process.argv.slice(2);
// declares what a full client declares, so servers that offer tools only to such clients list them both ways
const client = new Client({ name: "forge-ts-test", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));

const tools = (await client.listTools()).tools.filter((t) => t.name.startsWith(prefix));
const echo = await client.callTool({ name: `${prefix}echo`, arguments: { message: "from typescript" } });
const sum = await client.callTool({ name: `${prefix}get-sum`, arguments: { a: 40, b: 2 } });
const resources = (await client.listResources()).resources;
const resource = await client.readResource({ uri: resources[0].uri });
const prompt = await client.getPrompt({ name: `${prefix}args-prompt`, arguments: { city: "Lisbon" } });
await client.close();

const strip = (name) => name.slice(prefix.length);
console.log(JSON.stringify({
  tools: tools.map((t) => ({ ...t, name: strip(t.name) })),
  echo, sum, resourceUri: resources[0].uri, resource, prompt,
}));
