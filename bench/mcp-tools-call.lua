-- wrk script for Forge's benchmarks: one MCP tools/call per request over Streamable HTTP.
-- Every request carries its own JSON-RPC id; a response counts as bad unless it is HTTP 200 and holds the echo.
-- Environment: MCP_SID (session id from initialize; empty for none), MCP_TOOL (an echo tool; default "echo"),
-- MCP_TOKEN (a bearer token, sent as Authorization when set).
local session = os.getenv("MCP_SID") or ""
local token = os.getenv("MCP_TOKEN") or ""
local tool_name = os.getenv("MCP_TOOL") or "echo"
local next_thread = 0
local sent = 0
local failed = 0

function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

function request()
  sent = sent + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["mcp-protocol-version"] = "2025-06-18",
  }
  if session ~= "" then headers["mcp-session-id"] = session end
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  local body = string.format(
    '{"jsonrpc":"2.0","id":"t%d-%d","method":"tools/call","params":{"name":"%s","arguments":{"message":"hello world"}}}',
    thread_no, sent, tool_name)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 200 or not body:find("hello world", 1, true) then failed = failed + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
