package dev.forge.api;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.upstream.Upstream;
import io.javalin.http.Context;

/**
 * {@code /admin}: a read-only page of what the gateway federates — each upstream's state and counts, and the size
 * of each endpoint's catalog. Server-rendered, no script; every value is escaped.
 */
public final class AdminPage {

    private final Federation federation;
    private final String version;

    public AdminPage(Federation federation, String version) {
        this.federation = federation;
        this.version = version;
    }

    public void serve(Context ctx) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forge admin</title>")
                .append("<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:.3em .8em;text-align:left}.ready{color:#060}.failed{color:#a00}</style>")
                .append("</head><body><h1>Forge ").append(escape(version)).append("</h1><h2>Upstreams</h2>")
                .append("<table><tr><th>name</th><th>transport</th><th>status</th><th>tools</th><th>resources</th><th>prompts</th><th>last error</th></tr>");
        for (Upstream u : federation.upstreams()) {
            String state = u.state().label();
            html.append("<tr><td>").append(escape(u.name())).append("</td><td>").append(escape(u.transportKind()))
                    .append("</td><td class=\"").append(escape(state)).append("\">").append(escape(state))
                    .append("</td><td>").append(u.lists().tools().size()).append("</td><td>").append(u.lists().resources().size())
                    .append("</td><td>").append(u.lists().prompts().size()).append("</td><td>")
                    .append(escape(u.lastError() == null ? "" : u.lastError())).append("</td></tr>");
        }
        html.append("</table><h2>Endpoints</h2><table><tr><th>endpoint</th><th>tools</th><th>resources</th><th>prompts</th></tr>");
        Catalog catalog = federation.catalog();
        catalog.views().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> {
            CatalogView view = e.getValue();
            String path = e.getKey().equals(Catalog.ALL) ? "/mcp" : "/" + e.getKey().replace("server/", "servers/").replace("gateway/", "gateways/") + "/mcp";
            html.append("<tr><td>").append(escape(path)).append("</td><td>").append(view.tools().size()).append("</td><td>")
                    .append(view.resources().size()).append("</td><td>").append(view.prompts().size()).append("</td></tr>");
        });
        html.append("</table></body></html>");
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        ctx.contentType("text/html; charset=utf-8").result(html.toString());
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
