// A deliberately misbehaving stdio MCP server for Forge's failure tests. Plain Node, newline-delimited JSON-RPC.
// Tools: echo; hang (never answers); cancelled (lists the request ids the client cancelled); garbage (writes
// non-JSON to stdout, then answers); crash (exits mid-call); freeze (stops answering anything, pings included);
// withdraw (asks the client to elicit, then cancels that request and answers the call).
import { createInterface } from "node:readline";

const cancelled = [];
let frozen = false;
const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const text = (t) => ({ content: [{ type: "text", text: t }] });
const tools = ["echo", "hang", "cancelled", "garbage", "crash", "freeze", "withdraw"].map((name) => ({
  name, description: `chaos ${name}`, inputSchema: { type: "object", properties: { message: { type: "string" } } },
}));

createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim() || frozen) return;
  const msg = JSON.parse(line);
  if (msg.method === "notifications/cancelled") { cancelled.push(msg.params.requestId); return; }
  if (msg.id === undefined || msg.method === undefined && msg.id === "ask-1") return;
  switch (msg.method) {
    case "initialize":
      return send({ jsonrpc: "2.0", id: msg.id, result: { protocolVersion: msg.params.protocolVersion,
        capabilities: { tools: {} }, serverInfo: { name: "chaos", version: "1.0.0" } } });
    case "ping": return send({ jsonrpc: "2.0", id: msg.id, result: {} });
    case "tools/list": return send({ jsonrpc: "2.0", id: msg.id, result: { tools } });
    case "tools/call": {
      const name = msg.params.name;
      if (name === "echo") return send({ jsonrpc: "2.0", id: msg.id, result: text(`echo: ${msg.params.arguments?.message}`) });
      if (name === "hang") return;
      if (name === "cancelled") return send({ jsonrpc: "2.0", id: msg.id, result: text(JSON.stringify(cancelled)) });
      if (name === "garbage") {
        process.stdout.write("this is not json\n{\"half\": \n");
        return send({ jsonrpc: "2.0", id: msg.id, result: text("after garbage") });
      }
      if (name === "crash") process.exit(7);
      if (name === "freeze") { frozen = true; return; }
      if (name === "withdraw") {
        send({ jsonrpc: "2.0", id: "ask-1", method: "elicitation/create",
          params: { message: "never mind", requestedSchema: { type: "object", properties: {} } } });
        setTimeout(() => {
          send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "ask-1", reason: "changed my mind" } });
          send({ jsonrpc: "2.0", id: msg.id, result: text("withdrew") });
        }, 300);
        return;
      }
      return send({ jsonrpc: "2.0", id: msg.id, error: { code: -32602, message: `Unknown tool: ${name}` } });
    }
    default: return send({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method}` } });
  }
});
