// The official TypeScript SDK client exercising what travels back through a gateway or bridge: sampling, elicitation and
// roots answered by this client, progress, cancellation, logging and list changes. Prints what it saw as JSON.
// Usage: node ts-passthrough.mjs URL PREFIX
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema,
  LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [url, prefix = ""] = process.argv.slice(2);
const seen = { sampling: 0, elicitation: 0, roots: 0, progress: [], logs: 0, updated: [] };
const client = new Client({ name: "forge-ts-passthrough", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
client.setRequestHandler(CreateMessageRequestSchema, async () => {
  seen.sampling++;
  return { role: "assistant", content: { type: "text", text: "sampled in typescript" }, model: "ts-model", stopReason: "endTurn" };
});
client.setRequestHandler(ElicitRequestSchema, async () => {
  seen.elicitation++;
  return { action: "accept", content: { color: "teal" } };
});
client.setRequestHandler(ListRootsRequestSchema, async () => {
  seen.roots++;
  return { roots: [{ uri: "file:///ts-root", name: "ts root" }] };
});
client.setNotificationHandler(LoggingMessageNotificationSchema, () => { seen.logs++; });
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { seen.updated.push(n.params.uri); });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));

const text = (r) => r.content.map((c) => c.text ?? "").join(" ");
const sampling = text(await client.callTool({ name: `${prefix}trigger-sampling-request`, arguments: { prompt: "hi" } }));
const elicitation = text(await client.callTool({ name: `${prefix}trigger-elicitation-request`, arguments: {} }));
const roots = text(await client.callTool({ name: `${prefix}get-roots-list`, arguments: {} }));
const progressed = text(await client.callTool({ name: `${prefix}trigger-long-running-operation`, arguments: { duration: 1, steps: 3 } },
  undefined, { onprogress: (p) => seen.progress.push(p.progress) }));

// cancellation: abort a long call; the SDK sends notifications/cancelled and stops waiting
const controller = new AbortController();
const started = Date.now();
const aborted = client.callTool({ name: `${prefix}trigger-long-running-operation`, arguments: { duration: 30, steps: 30 } },
  undefined, { signal: controller.signal }).then(() => "completed", (e) => `rejected: ${e.message}`);
setTimeout(() => controller.abort("user pressed stop"), 500);
const cancellation = await aborted;
const cancelledAfterMs = Date.now() - started;

// logging: turn on this session's simulated logs and wait for the first one
await client.setLoggingLevel("debug");
await client.callTool({ name: `${prefix}toggle-simulated-logging`, arguments: {} });
const deadline = Date.now() + 15000;
while (seen.logs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
await client.callTool({ name: `${prefix}toggle-simulated-logging`, arguments: {} });

// a call still works after all that
const after = text(await client.callTool({ name: `${prefix}echo`, arguments: { message: "still here" } }));
await client.close();
console.log(JSON.stringify({ seen, sampling, elicitation, roots, progressed, cancellation, cancelledAfterMs, after }));
