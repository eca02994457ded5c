// A modern-only MCP server (MCP 2026-07-28: no initialize, no session) written with the TypeScript SDK v2 server
// package, over Streamable HTTP on 127.0.0.1:$PORT at /mcp. Its tools mirror server-everything's names and
// arguments, so one client script can drive either: echo, get-sum, trigger-sampling-request and
// trigger-elicitation-request (each asks the client through an input_required result), trigger-long-running-operation
// (progress), and add-tool, which adds one more tool (added-1, added-2, …) and tells listeners the list changed.
import http from "node:http";
import { createMcpHandler, McpServer, inputRequired, inputResponse, acceptedContent } from "@modelcontextprotocol/server";
import * as z from "zod/v4";

const port = Number(process.env.PORT);
let added = 0;
const text = (t) => ({ content: [{ type: "text", text: t }] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: "forge-modern-test-server", version: "1.0.0" }, { capabilities: { logging: {} } });
  server.registerTool("echo", { description: "Echoes back the input", inputSchema: z.object({ message: z.string() }) },
    async ({ message }) => text(`Echo: ${message}`));
  server.registerTool("get-sum", { description: "Adds two numbers", inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => text(`The sum of ${a} and ${b} is ${a + b}.`));
  server.registerTool("trigger-sampling-request", { description: "Asks the client's model",
    inputSchema: z.object({ prompt: z.string() }) }, async ({ prompt }, ctx) => {
    const sampled = inputResponse(ctx.mcpReq.inputResponses, "llm");
    if (sampled.kind !== "sampling") {
      return inputRequired({ inputRequests: { llm: inputRequired.createMessage({
        messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 50 }) } });
    }
    return text(`LLM sampling result: ${JSON.stringify(sampled)}`);
  });
  server.registerTool("trigger-elicitation-request", { description: "Asks the user (after delayMs)",
    inputSchema: z.object({ delayMs: z.number().optional() }) }, async ({ delayMs }, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "user", z.object({ name: z.string() }));
      if (answer === undefined) {
        if (delayMs) await sleep(delayMs);
        return inputRequired({ inputRequests: { user: inputRequired.elicit({ message: "Who are you?",
          requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } }) } });
      }
      return text(`Elicitation result: ${JSON.stringify(answer)}`);
    });
  server.registerTool("trigger-long-running-operation", { description: "Reports progress",
    inputSchema: z.object({ duration: z.number().default(2), steps: z.number().default(4) }) }, async ({ duration, steps }, ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    for (let i = 1; i <= steps; i++) {
      await sleep((duration * 1000) / steps);
      if (token !== undefined) {
        await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress: i, total: steps } });
      }
    }
    return text(`Long running operation completed. Duration: ${duration} seconds, Steps: ${steps}.`);
  });
  server.registerTool("add-tool", { description: "Adds a tool and says the list changed", inputSchema: z.object({}) },
    async () => {
      added++;
      setTimeout(() => handler.notify.toolsChanged(), 10);
      return text(`added-${added}`);
    });
  for (let i = 1; i <= added; i++) {
    server.registerTool(`added-${i}`, { description: "Made by add-tool", inputSchema: z.object({}) }, async () => text("here"));
  }
  return server;
}, { legacy: "reject" });

http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const aborted = new AbortController();
  res.on("close", () => aborted.abort()); // a client that goes away cancels its request
  const answer = await handler.fetch(new Request(`http://127.0.0.1:${port}${req.url}`, {
    method: req.method, headers: req.headers, signal: aborted.signal,
    body: ["GET", "HEAD", "DELETE"].includes(req.method) ? undefined : Buffer.concat(chunks) }));
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  if (answer.body) {
    const reader = answer.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // the client went away
    }
  }
  res.end();
}).listen(port, "127.0.0.1", () => console.error(`modern server listening on port ${port}`));
