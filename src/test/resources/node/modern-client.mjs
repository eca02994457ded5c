// Drives an MCP endpoint with the TypeScript SDK v2 client pinned to MCP 2026-07-28 (the modern era: no initialize,
// no session; every request carries its own envelope) and prints what it saw as one JSON document.
// Usage: node modern-client.mjs URL PREFIX [MODE]   (PREFIX goes before tool and prompt names, e.g. "everything__";
// MODE "brief" stops after discovering, listing and one call: for endpoints that show a few tools)
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, prefix = "", mode = "full"] = process.argv.slice(2);
const client = new Client({ name: "forge-modern-test", version: "1.0.0" }, {
  capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} },
  versionNegotiation: { mode: { pin: "2026-07-28" } },
});
const asked = { sampling: 0, elicitation: 0 };
client.setRequestHandler("sampling/createMessage", async () => {
  asked.sampling++;
  return { role: "assistant", content: { type: "text", text: "sampled by the modern client" }, model: "test", stopReason: "endTurn" };
});
client.setRequestHandler("elicitation/create", async () => {
  asked.elicitation++;
  return { action: "accept", content: { name: "modern Ada" } };
});
client.setRequestHandler("roots/list", async () => ({ roots: [{ uri: "file:///modern-root", name: "modern" }] }));
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
const out = { era: client.getProtocolEra(), discover: client.getDiscoverResult() };

out.tools = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith(prefix));
const echo = out.tools.find((n) => n.endsWith("echo")) ?? `${prefix}echo`;
out.echo = await client.callTool({ name: echo, arguments: { message: "from the modern era" } });
if (mode === "brief") {
  await client.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}
out.sum = await client.callTool({ name: `${prefix}get-sum`, arguments: { a: 40, b: 2 } });
const resources = (await client.listResources()).resources;
out.resource = await client.readResource({ uri: resources[0].uri });
out.prompt = await client.getPrompt({ name: `${prefix}args-prompt`, arguments: { city: "Lisbon" } });

// progress must arrive while the call runs, not with its result
const started = Date.now();
const progress = [];
const long = await client.callTool({ name: `${prefix}trigger-long-running-operation`, arguments: { duration: 2, steps: 4 } },
  { onprogress: (p) => progress.push({ at: Date.now() - started, progress: p.progress }) });
out.progress = { events: progress, resultAt: Date.now() - started, result: long };

// a legacy upstream's questions during the call come back as input_required; the SDK answers them and retries
out.sampling = await client.callTool({ name: `${prefix}trigger-sampling-request`, arguments: { prompt: "say hi" } });
out.elicitation = await client.callTool({ name: `${prefix}trigger-elicitation-request`, arguments: {} });
out.asked = asked;

const sub = await client.listen({ toolsListChanged: true, promptsListChanged: true });
out.listen = { honored: sub.honoredFilter };
await sub.close();
out.listen.closed = await sub.closed;
await client.close();
console.log(JSON.stringify(out));
